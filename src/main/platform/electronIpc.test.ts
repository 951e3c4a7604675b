import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, eventChannelName, invokeChannelName } from '../../shared/ipc/channels.ts';
import type { IpcSender } from '../ipc/transport.ts';
import { createElectronIpcTransport } from './electronIpc.ts';
import { BrowserWindow, ipcMain, resetFake } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

beforeEach(() => resetFake());

type Seen = { channel: string; args: unknown; sender: IpcSender };

function serve() {
  const seen: Seen[] = [];
  const transport = createElectronIpcTransport();
  const stop = transport.serve(async (channel, args, sender) => {
    seen.push({ channel, args, sender });
    return { ok: true, value: channel };
  });
  return { transport, stop, seen };
}

describe('createElectronIpcTransport', () => {
  it('registers one namespaced handler per invoke channel', () => {
    serve();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(INVOKE_CHANNELS.map((c) => `ringdesk:invoke:${c}`).sort());
  });

  it('passes the channel, the args and the sender frame URL', async () => {
    const { seen } = serve();
    const fn = ipcMain.handlers.get(invokeChannelName('login'));
    const reply = await fn?.({ senderFrame: { url: 'file:///app/out/renderer/index.html#/' } }, { userId: 'bob' });
    expect(reply).toEqual({ ok: true, value: 'login' });
    expect(seen).toEqual([{ channel: 'login', args: { userId: 'bob' }, sender: { url: 'file:///app/out/renderer/index.html#/' } }]);
  });

  it('reports an empty URL when the sender frame is gone', async () => {
    const { seen } = serve();
    await ipcMain.handlers.get(invokeChannelName('getSnapshot'))?.({ senderFrame: null }, {});
    expect(seen[0]?.sender).toEqual({ url: '' });
  });

  it('unregisters every handler, and can serve again afterwards', () => {
    const { stop } = serve();
    stop();
    expect(ipcMain.handlers.size).toBe(0);
    serve();
    expect(ipcMain.handlers.size).toBe(INVOKE_CHANNELS.length);
  });

  it('emits the namespaced event to every live window only', () => {
    const a = new BrowserWindow({});
    const b = new BrowserWindow({});
    const gone = new BrowserWindow({});
    gone.destroy();
    createElectronIpcTransport().emit('dnd', { effective: 'app' });
    expect(EVENT_CHANNELS).toContain('dnd');
    for (const w of [a, b]) expect(w.webContents.sent).toEqual([{ channel: eventChannelName('dnd'), payload: { effective: 'app' } }]);
    expect(gone.webContents.sent).toEqual([]);
  });
});
