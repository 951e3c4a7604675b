import { beforeAll, describe, expect, it, vi } from 'vitest';
import { eventMethodName } from '../shared/ipc/api.ts';
import { EVENT_CHANNELS, INVOKE_CHANNELS, eventChannelName, invokeChannelName } from '../shared/ipc/channels.ts';
import { contextBridge, ipcRenderer } from '../main/platform/fakeElectron.ts';

vi.mock('electron', () => import('../main/platform/fakeElectron.ts'));

type Api = Record<string, (arg: unknown) => unknown>;
let api: Api;

beforeAll(async () => {
  await import('./index.ts');
  // exposeInMainWorld received a plain object of functions; the test reads it back by key.
  api = contextBridge.exposed.get('ringdesk') as Api;
});

describe('preload: window.ringdesk', () => {
  it('exposes exactly one method per invoke channel and one on<Event> per event channel', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['ringdesk']);
    const expected = [...INVOKE_CHANNELS, ...EVENT_CHANNELS.map(eventMethodName)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    expect(Object.keys(api)).toContain('onIncomingCall');
    expect(Object.keys(api)).not.toContain('ipcRenderer');
    for (const k of expected) expect(typeof api[k]).toBe('function');
  });

  it('invokes the namespaced channel with the args as given and returns the reply', async () => {
    const reply = await api['callAccept']?.({ callID: 'c1', media: 'video' });
    expect(ipcRenderer.invoked.at(-1)).toEqual({ channel: invokeChannelName('callAccept'), args: { callID: 'c1', media: 'video' } });
    expect(reply).toEqual({ ok: true, value: { echoed: 'ringdesk:invoke:callAccept' } });
  });

  it('hands the listener the payload only, never the IpcRendererEvent', () => {
    const got: unknown[][] = [];
    api['onMissedCalls']?.((...args: unknown[]) => got.push(args));
    const event = { sender: ipcRenderer, senderId: 0 };
    ipcRenderer.emit(eventChannelName('missedCalls'), event, { count: 2, calls: [] });
    expect(got).toEqual([[{ count: 2, calls: [] }]]);
  });

  it('returns an unsubscribe that removes exactly that listener', () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api['onDnd']?.((p: unknown) => a.push(p)) as () => void;
    api['onDnd']?.((p: unknown) => b.push(p));
    expect(ipcRenderer.listenerCount(eventChannelName('dnd'))).toBe(2);
    offA();
    ipcRenderer.emit(eventChannelName('dnd'), {}, 'x');
    expect(a).toEqual([]);
    expect(b).toEqual(['x']);
    expect(ipcRenderer.listenerCount(eventChannelName('dnd'))).toBe(1);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => api['onNotice']?.('nope')).toThrow(TypeError);
  });
});
