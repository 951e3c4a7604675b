import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./fakeElectron.ts'));
const { dialog, FakeSession, resetFake } = await import('./fakeElectron.ts');
const { installDisplayMediaHandler } = await import('./electronDisplayMedia.ts');

type AnySession = Parameters<typeof installDisplayMediaHandler>[0];
const OURS = 'http://localhost:5173/';

beforeEach(() => resetFake());

function ask(ses: InstanceType<typeof FakeSession>, request: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve) => ses.displayMediaHandler?.({ videoRequested: true, securityOrigin: OURS, frame: { url: `${OURS}#/call/c1` }, ...request }, resolve));
}

describe('screen sharing in Electron', () => {
  it('shows our page a picker of screens and windows and shares the one picked', async () => {
    const ses = new FakeSession();
    installDisplayMediaHandler(ses as unknown as AnySession /* fake session */, { isTrusted: (u) => u.startsWith(OURS) });
    dialog.nextResponse = 1;
    await expect(ask(ses, {})).resolves.toEqual({ video: { id: 'window:42:0', name: 'Notes' } });
    expect(dialog.boxes[0]?.buttons).toEqual(['Entire screen', 'Notes', 'Cancel']);
  });

  it('words the picker in the UI language', async () => {
    const ses = new FakeSession();
    installDisplayMediaHandler(ses as unknown as AnySession /* fake session */, { isTrusted: () => true, locale: () => 'zh-CN' });
    dialog.nextResponse = 0;
    await ask(ses, {});
    expect(dialog.boxes[0]).toMatchObject({ title: '共享屏幕', message: '你想共享什么？' });
    expect(dialog.boxes[0]?.buttons.at(-1)).toBe('取消');
  });

  it('shares nothing when the user cancels, or for a page that is not ours', async () => {
    const ses = new FakeSession();
    installDisplayMediaHandler(ses as unknown as AnySession /* fake session */, { isTrusted: (u) => u.startsWith(OURS) });
    dialog.nextResponse = 2; // Cancel
    await expect(ask(ses, {})).resolves.toBeNull();
    await expect(ask(ses, { frame: { url: 'https://evil.example/' }, securityOrigin: 'https://evil.example' })).resolves.toBeNull();
    expect(dialog.boxes).toHaveLength(1); // the foreign page never got a picker
  });

  it('a failing source list is a refusal, not a crash', async () => {
    const ses = new FakeSession();
    installDisplayMediaHandler(ses as unknown as AnySession /* fake session */, { isTrusted: () => true, listSources: () => Promise.reject(new Error('no portal')) });
    await expect(ask(ses, {})).resolves.toBeNull();
  });
});
