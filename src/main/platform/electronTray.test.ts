import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ElectronTray, RING_FRAME_MS, trayIconSpec, trayMenuTemplate, trayTooltip } from './electronTray.ts';
import { FakeEvent, Tray, resetFake, type FakeImage } from './fakeElectron.ts';
import type { TrayAction, TrayState } from './ports.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

beforeEach(() => {
  resetFake();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const online: TrayState = { locale: 'en', presence: 'online', dnd: 'off', missed: 0, ringing: false };

function fakeTray(): Tray {
  const t = Tray.all.at(-1);
  if (!t) throw new Error('no tray');
  return t;
}
const labels = (t: Tray): string[] => (t.menu?.items ?? []).map((i) => (i.type === 'separator' ? '---' : (i.label ?? '')));
/** The first representation's data URL names an icon variant uniquely enough to compare frames. */
const iconOf = (img: FakeImage): string => img.reps[0]?.dataURL ?? '';

describe('trayTooltip', () => {
  it('says presence, DND and missed calls', () => {
    expect(trayTooltip(online)).toBe('Ringdesk — online');
    expect(trayTooltip({ ...online, missed: 2 })).toBe('Ringdesk — online, 2 missed calls');
    expect(trayTooltip({ ...online, missed: 1, dnd: 'app' })).toBe('Ringdesk — online, do not disturb, 1 missed call');
    expect(trayTooltip({ locale: 'en', presence: 'connecting', dnd: 'os', missed: 0, ringing: true })).toBe('Ringdesk — connecting, incoming call, do not disturb (system Focus)');
    expect(trayTooltip({ ...online, presence: 'signedOut' })).toBe('Ringdesk — signed out');
  });
});

describe('trayMenuTemplate', () => {
  it('has Show, a DND checkbox, the missed count and Quit, each firing its action', () => {
    const fired: TrayAction[] = [];
    const items = trayMenuTemplate({ ...online, missed: 4, dnd: 'app' }, (a) => fired.push(a));
    expect(items.map((i) => (i.type === 'separator' ? '---' : i.label))).toEqual(['Show Ringdesk', '---', 'Do not disturb', 'Missed calls (4)', '---', 'Quit Ringdesk']);
    const dnd = items[2];
    expect(dnd?.type).toBe('checkbox');
    expect(dnd?.checked).toBe(true);
    // The handlers ignore Electron's (menuItem, window, event) arguments; the test has none to give.
    for (const i of items) i.click?.(undefined as never, undefined, undefined as never);
    expect(fired).toEqual(['show', 'toggleDnd', 'missedCalls', 'quit']);
  });
  it('offers "Restart to update" only once an update is ready', () => {
    const fired: TrayAction[] = [];
    const labels = (st: TrayState): unknown[] => trayMenuTemplate(st, (a) => fired.push(a)).map((i) => i.label);
    expect(labels(online)).not.toContain('Restart to update');
    const items = trayMenuTemplate({ ...online, updateReady: true }, (a) => fired.push(a));
    const restart = items.find((i) => i.label === 'Restart to update');
    expect(items.at(-2)).toBe(restart);
    restart?.click?.(undefined as never, undefined, undefined as never); // Electron's arguments are unused
    expect(fired).toEqual(['restartToUpdate']);
  });
  it('says when the OS focus mode is what turned DND on', () => {
    const items = trayMenuTemplate({ ...online, dnd: 'os' }, () => undefined);
    expect(items[2]).toMatchObject({ label: 'Do not disturb (on by system Focus)', checked: true });
    expect(trayMenuTemplate(online, () => undefined)[2]).toMatchObject({ checked: false });
  });
});

describe('trayIconSpec', () => {
  it('picks a glyph per presence and DND, with the badge for missed calls', () => {
    expect(trayIconSpec(online, 0, false)).toEqual({ glyph: 'online', badge: false, template: false });
    expect(trayIconSpec({ ...online, dnd: 'os' }, 0, true)).toEqual({ glyph: 'dnd', badge: false, template: true });
    expect(trayIconSpec({ ...online, presence: 'connecting', missed: 3 }, 0, false)).toEqual({ glyph: 'connecting', badge: true, template: false });
    expect(trayIconSpec({ ...online, presence: 'offline' }, 0, false).glyph).toBe('offline');
    expect(trayIconSpec({ ...online, presence: 'signedOut' }, 0, false).glyph).toBe('offline');
    expect(trayIconSpec(online, 1, false).glyph).toBe('ring');
  });
});

describe('ElectronTray', () => {
  it('starts signed out with a tooltip and a menu', () => {
    new ElectronTray({ platform: 'win32' });
    expect(fakeTray().tooltip).toBe('Ringdesk — signed out');
    expect(labels(fakeTray())).toContain('Missed calls (0)');
  });
  it('re-renders the tooltip and menu in zh-CN when the locale changes', () => {
    const tray = new ElectronTray({ platform: 'win32' });
    tray.update({ ...online, missed: 2 });
    expect(labels(fakeTray())).toContain('Quit Ringdesk');
    tray.update({ ...online, missed: 2, locale: 'zh-CN' });
    expect(fakeTray().tooltip).toBe('Ringdesk — 在线，2 个未接来电');
    expect(labels(fakeTray())).toEqual(['显示 Ringdesk', '---', '勿扰模式', '未接来电（2）', '---', '退出 Ringdesk']);
  });

  it('rebuilds the menu only when something in it changed', () => {
    const tray = new ElectronTray({ platform: 'win32' });
    const t = fakeTray();
    tray.update({ ...online, missed: 2 });
    const sets = t.menuSets;
    expect(labels(t)).toContain('Missed calls (2)');
    tray.update({ ...online, missed: 2, presence: 'connecting' });
    expect(t.menuSets).toBe(sets);
    expect(t.tooltip).toBe('Ringdesk — connecting, 2 missed calls');
    tray.update({ ...online, missed: 2, dnd: 'app' });
    expect(t.menuSets).toBe(sets + 1);
  });

  it('menu clicks and a left click reach onAction listeners until unsubscribed', () => {
    const tray = new ElectronTray({ platform: 'win32' });
    const fired: TrayAction[] = [];
    const off = tray.onAction((a) => fired.push(a));
    fakeTray().menu?.items.find((i) => i.label === 'Quit Ringdesk')?.click?.();
    fakeTray().emit('click', new FakeEvent());
    off();
    fakeTray().emit('click', new FakeEvent());
    expect(fired).toEqual(['quit', 'show']);
  });

  it('macOS: template images, and a click opens the menu rather than the window', () => {
    new ElectronTray({ platform: 'darwin' });
    expect(fakeTray().image.template).toBe(true);
    expect(fakeTray().listenerCount('click')).toBe(0);
  });

  it('gives every image a 1x and a 2x PNG', () => {
    new ElectronTray({ platform: 'win32' });
    const reps = fakeTray().image.reps;
    expect(reps.map((r) => r.scaleFactor)).toEqual([1, 2]);
    expect(reps[0]?.dataURL).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('animates while ringing, swapping two frames every 500 ms, and stops cleanly', () => {
    const tray = new ElectronTray({ platform: 'win32' });
    const t = fakeTray();
    tray.update(online);
    const still = iconOf(t.image);
    tray.update({ ...online, ringing: true });
    expect(tray.animating).toBe(true);
    expect(iconOf(t.image)).toBe(still);
    vi.advanceTimersByTime(RING_FRAME_MS);
    const ringFrame = iconOf(t.image);
    expect(ringFrame).not.toBe(still);
    vi.advanceTimersByTime(RING_FRAME_MS);
    expect(iconOf(t.image)).toBe(still);
    vi.advanceTimersByTime(RING_FRAME_MS);
    expect(iconOf(t.image)).toBe(ringFrame);
    // A second ringing update does not start a second timer.
    tray.update({ ...online, ringing: true, missed: 1 });
    expect(vi.getTimerCount()).toBe(1);
    tray.update({ ...online, ringing: false });
    expect(tray.animating).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const after = t.images.length;
    vi.advanceTimersByTime(RING_FRAME_MS * 4);
    expect(t.images.length).toBe(after);
    expect(iconOf(t.image)).toBe(still);
  });

  it('destroy() stops the animation and removes the icon', () => {
    const tray = new ElectronTray({ platform: 'win32' });
    tray.update({ ...online, ringing: true });
    tray.destroy();
    expect(vi.getTimerCount()).toBe(0);
    expect(fakeTray().destroyed).toBe(true);
  });
});
