import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostFrame, PageFrame } from '../../shared/ipc/api.ts';
import { BridgeError, call, createWsApi, on, resetBridgeForTests, type SocketLike, type WsApi } from './bridge.ts';
import { makeConnection, makeSnapshot } from './testing/fixtures.ts';

/** A WebSocket the test drives: it records what the page sends and opens/closes on command. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: PageFrame[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as PageFrame); // we wrote it as a PageFrame
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close'));
  }
  receive(f: HostFrame | string): void {
    this.onmessage?.(new MessageEvent('message', { data: typeof f === 'string' ? f : JSON.stringify(f) }));
  }
}

const last = (): FakeSocket => {
  const s = FakeSocket.all.at(-1);
  if (!s) throw new Error('no socket yet');
  return s;
};

let ws: WsApi | null = null;
function start(): WsApi {
  ws = createWsApi({ url: 'ws://host.test/ipc', socket: (url) => new FakeSocket(url) });
  window.ringdesk = ws.api;
  return ws;
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  ws?.close();
  ws = null;
  delete window.ringdesk;
  resetBridgeForTests();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('bridge over the host WebSocket', () => {
  it('queues invokes until the socket opens, then sends them as invoke frames', async () => {
    start();
    const p = call('getSnapshot', {});
    expect(last().url).toBe('ws://host.test/ipc');
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ t: 'invoke', id: 1, channel: 'getSnapshot', args: {} }]);
    const snap = makeSnapshot();
    last().receive({ t: 'reply', id: 1, reply: { ok: true, value: snap } });
    await expect(p).resolves.toEqual(snap);
  });

  it('unwraps replies by id, in any order', async () => {
    start();
    last().open();
    const a = call('getDevice', {});
    const b = call('exportDiagnostics', {});
    const [fa, fb] = last().sent;
    expect(fa).toMatchObject({ channel: 'getDevice' });
    expect(fb).toMatchObject({ channel: 'exportDiagnostics' });
    last().receive({ t: 'reply', id: fb?.id ?? -1, reply: { ok: true, value: { path: '/x.json' } } });
    last().receive({ t: 'reply', id: fa?.id ?? -1, reply: { ok: true, value: { deviceId: 'd1', deviceName: 'desk' } } });
    await expect(b).resolves.toEqual({ path: '/x.json' });
    await expect(a).resolves.toEqual({ deviceId: 'd1', deviceName: 'desk' });
  });

  it('turns ok:false into a BridgeError carrying the wire code', async () => {
    start();
    last().open();
    const p = call('logout', {});
    last().receive({ t: 'reply', id: 1, reply: { ok: false, error: { code: 'not_signed_in', message: 'sign in first' } } });
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BridgeError);
    expect((e as BridgeError).code).toBe('not_signed_in'); // checked to be a BridgeError just above
    expect((e as BridgeError).message).toBe('sign in first');
  });

  it('dispatches event frames to the listeners of that channel until they unsubscribe', () => {
    start();
    last().open();
    const got: string[] = [];
    const off = on('connection', (c) => got.push(c.state));
    const other = vi.fn();
    on('settings', other);
    last().receive({ t: 'event', channel: 'connection', payload: makeConnection('reconnecting') });
    last().receive('not json');
    last().receive({ t: 'event', channel: 'connection', payload: makeConnection('connected') });
    off();
    last().receive({ t: 'event', channel: 'connection', payload: makeConnection('closed') });
    expect(got).toEqual(['reconnecting', 'connected']);
    expect(other).not.toHaveBeenCalled();
  });

  it('answers in-flight invokes "disconnected" when the socket closes, reconnects after 500 ms and re-reads', async () => {
    const api = start();
    const reopened = vi.fn();
    api.onReopen(reopened);
    last().open();
    const inFlight = call('getPeople', {});
    const first = last();
    first.drop();
    await expect(inFlight).rejects.toMatchObject({ name: 'BridgeError', code: 'disconnected' });

    // Sent while down: waits for the new socket instead of failing.
    const queued = call('getSettings', {});
    vi.advanceTimersByTime(499);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    expect(last().url).toBe('ws://host.test/ipc');
    expect(reopened).not.toHaveBeenCalled();
    last().open();
    expect(reopened).toHaveBeenCalledTimes(1);
    const frame = last().sent[0];
    expect(frame).toMatchObject({ t: 'invoke', channel: 'getSettings', args: {} });
    last().receive({ t: 'reply', id: frame?.id ?? -1, reply: { ok: true, value: makeSnapshot().settings } });
    await expect(queued).resolves.toMatchObject({ ringtone: 'classic' });

    // Listeners survive the reconnect.
    const got = vi.fn();
    on('dnd', got);
    last().receive({ t: 'event', channel: 'dnd', payload: makeSnapshot().dnd });
    expect(got).toHaveBeenCalledTimes(1);
  });

  it('keeps retrying while the host is down', () => {
    start();
    last().drop();
    vi.advanceTimersByTime(500);
    last().drop();
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('without window.ringdesk, builds the socket to ws://<host>/ipc itself', () => {
    const made: string[] = [];
    vi.stubGlobal(
      'WebSocket',
      class extends FakeSocket {
        constructor(url: string) {
          super(url);
          made.push(url);
        }
      },
    );
    void call('getSnapshot', {}).catch(() => undefined); // answered "disconnected" when the test closes it
    expect(made).toEqual([`ws://${location.host}/ipc`]);
  });

  it("carries the host's per-run token from the page URL onto the socket", () => {
    const made: string[] = [];
    vi.stubGlobal(
      'WebSocket',
      class extends FakeSocket {
        constructor(url: string) {
          super(url);
          made.push(url);
        }
      },
    );
    const before = location.href;
    history.replaceState(null, '', '/?token=Ab-_9z#/home');
    try {
      void call('getSnapshot', {}).catch(() => undefined);
      expect(made).toEqual([`ws://${location.host}/ipc?token=Ab-_9z`]);
    } finally {
      history.replaceState(null, '', before);
    }
  });

  it('uses window.ringdesk when the preload exposed it', async () => {
    const getDevice = vi.fn(async () => ({ ok: true as const, value: { deviceId: 'd', deviceName: 'n' } }));
    window.ringdesk = { getDevice } as unknown as NonNullable<Window['ringdesk']>; // only the method under test
    await expect(call('getDevice', {})).resolves.toEqual({ deviceId: 'd', deviceName: 'n' });
    expect(getDevice).toHaveBeenCalledWith({});
    expect(FakeSocket.all).toHaveLength(0);
  });
});
