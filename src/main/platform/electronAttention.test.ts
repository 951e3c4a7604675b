import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ElectronAttention } from './electronAttention.ts';
import { BrowserWindow, FakeImage, app, resetFake } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

beforeEach(() => resetFake());

function setup(platform: NodeJS.Platform) {
  const win = new BrowserWindow({});
  // The port is typed for Electron's BrowserWindow; the fake stands in for it here.
  const attention = new ElectronAttention({ platform, mainWindow: () => win as unknown as Electron.BrowserWindow });
  return { win, attention };
}

describe('ElectronAttention on Windows', () => {
  it('flashes the taskbar button and stops', () => {
    const { win, attention } = setup('win32');
    attention.request();
    attention.cancel();
    expect(win.calls).toEqual([
      ['flashFrame', true],
      ['flashFrame', false],
    ]);
    expect(app.calls.filter((c) => String(c[0]).startsWith('dock'))).toEqual([]);
  });

  it('shows missed calls as an overlay icon with a spoken description, and clears it', () => {
    const { win, attention } = setup('win32');
    attention.setBadge(3);
    attention.setBadge(1);
    attention.setBadge(0);
    const [three, one, zero] = win.calls;
    expect(three?.[0]).toBe('setOverlayIcon');
    expect(three?.[1]).toBeInstanceOf(FakeImage);
    // calls[] is unknown[]; the previous line proved this entry is a FakeImage.
    expect(String((three?.[1] as FakeImage).source)).toMatch(/^data:image\/png;base64,/);
    expect(three?.[2]).toBe('3 missed calls');
    expect(one?.[2]).toBe('1 missed call');
    expect(zero).toEqual(['setOverlayIcon', null, '']);
    expect(app.calls.filter((c) => c[0] === 'setBadgeCount')).toEqual([]);
  });

  it('does nothing when the window is gone', () => {
    const { win, attention } = setup('win32');
    win.destroy();
    attention.request();
    attention.setBadge(2);
    expect(win.calls).toEqual([]);
  });
});

describe('ElectronAttention on macOS', () => {
  it('bounces the dock critically once, and cancels that bounce', () => {
    const { win, attention } = setup('darwin');
    attention.request();
    attention.request();
    attention.cancel();
    attention.cancel();
    expect(app.calls).toEqual([
      ['dock.bounce', 'critical'],
      ['dock.cancelBounce', 42],
    ]);
    expect(win.calls).toEqual([]);
  });

  it('badges the dock with the count', () => {
    const { attention } = setup('darwin');
    attention.setBadge(5);
    attention.setBadge(0);
    expect(app.calls).toEqual([
      ['setBadgeCount', 5],
      ['setBadgeCount', 0],
    ]);
  });

  it('survives a missing dock', () => {
    app.dock = undefined;
    const { attention } = setup('darwin');
    expect(() => {
      attention.request();
      attention.cancel();
    }).not.toThrow();
  });
});

describe('ElectronAttention on Linux', () => {
  it('flashes the window (urgency hint) and sets the launcher badge', () => {
    const { win, attention } = setup('linux');
    attention.request();
    attention.setBadge(2);
    expect(win.calls).toEqual([['flashFrame', true]]);
    expect(app.calls).toEqual([['setBadgeCount', 2]]);
  });
});
