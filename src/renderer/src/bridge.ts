// The renderer's only way to the main process. Values come from channels.ts, constants.ts and
// api.ts alone: contract.ts and model.ts would pull zod into the initial bundle.
import { eventMethodName, type HostFrame, type PageFrame, type RingdeskApi } from '../../shared/ipc/api.ts';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type InvokeReply } from '../../shared/ipc/channels.ts';
import type { EventChannel, EventPayload, InvokeArgs, InvokeChannel, InvokeResult } from '../../shared/ipc/contract.ts';
import type { SfuRequestResult, SfuRequestType } from '../../shared/ipc/sfu.ts';
import type { SfuPort } from './media/sfuPort.ts';
import { errorMessage } from '../../shared/errors.ts';

/** An invoke answered with `ok:false`: `code` is the stable wire code the UI translates. */
export class BridgeError extends Error {
  readonly code: string;
  /** From the wire, on errors that say when to try again (auth_throttled). */
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The code to show for anything a bridge call threw (a bug in our code is `internal`, never a stack). */
export function errorCode(e: unknown): string {
  return e instanceof BridgeError ? e.code : 'internal';
}

export const RECONNECT_DELAY_MS = 500;

/** The part of the DOM WebSocket the transport uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WsApiOptions {
  url: string;
  socket?: SocketFactory;
  reconnectDelayMs?: number;
}

export interface WsApi {
  api: RingdeskApi;
  /** Called after every reopen (not the first open): the host may have restarted, so state is re-read. */
  onReopen(fn: () => void): () => void;
  /** Stops reconnecting and closes the socket (tests). */
  close(): void;
}

type Listener = (payload: unknown) => void;

/**
 * The RingdeskApi over the headless host's WebSocket. Invokes wait in a queue until the socket
 * opens; those already sent when it closes answer `disconnected` (their fate is unknown), and the
 * socket comes back after RECONNECT_DELAY_MS.
 */
export function createWsApi(o: WsApiOptions): WsApi {
  const open = o.socket ?? ((url: string): SocketLike => new WebSocket(url));
  const delay = o.reconnectDelayMs ?? RECONNECT_DELAY_MS;
  const pending = new Map<number, (reply: InvokeReply<unknown>) => void>();
  const queue: PageFrame[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const reopenFns = new Set<() => void>();
  let nextId = 1;
  let ws: SocketLike | null = null;
  let isOpen = false;
  let everOpened = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function connect(): void {
    timer = null;
    if (closed) return;
    const s = open(o.url);
    ws = s;
    s.onopen = () => {
      isOpen = true;
      for (const f of queue.splice(0)) s.send(JSON.stringify(f));
      if (everOpened) for (const fn of reopenFns) fn();
      everOpened = true;
    };
    s.onmessage = (ev) => onFrame(ev.data);
    s.onerror = () => undefined; // a close always follows; that is where we act
    s.onclose = () => {
      if (ws !== s) return;
      ws = null;
      isOpen = false;
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve({ ok: false, error: { code: 'disconnected', message: 'the connection to the app closed' } });
      }
      if (!closed) timer = setTimeout(connect, delay);
    };
  }

  function onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let f: HostFrame;
    try {
      f = JSON.parse(data) as HostFrame; // the page trusts the host it was loaded from (api.ts)
    } catch {
      return;
    }
    if (f.t === 'reply') {
      const resolve = pending.get(f.id);
      pending.delete(f.id);
      resolve?.(f.reply);
    } else if (f.t === 'event') {
      for (const fn of [...(listeners.get(f.channel) ?? [])]) fn(f.payload);
    }
  }

  function invoke(channel: string, args: unknown): Promise<InvokeReply<unknown>> {
    const frame: PageFrame = { t: 'invoke', id: nextId++, channel, args };
    return new Promise((resolve) => {
      pending.set(frame.id, resolve);
      if (isOpen && ws) ws.send(JSON.stringify(frame));
      else queue.push(frame);
    });
  }

  function listen(channel: string, fn: Listener): () => void {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  const api: Record<string, unknown> = {};
  for (const c of INVOKE_CHANNELS) api[c] = (args: unknown) => invoke(c, args);
  for (const c of EVENT_CHANNELS) api[eventMethodName(c)] = (fn: Listener) => listen(c, fn);
  connect();
  return {
    api: api as unknown as RingdeskApi, // built from the same channel lists RingdeskApi is mapped from
    onReopen(fn) {
      reopenFns.add(fn);
      return () => reopenFns.delete(fn);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    },
  };
}

let ws: WsApi | null = null;

/** The host refuses a socket without the per-run token it put in the page's URL (`?token=`). */
function hostUrl(): string {
  const token = new URLSearchParams(location.search).get('token');
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ipc${query}`;
}

/** The preload's api in Electron, else (built once) the same api over the host's WebSocket. */
export function api(): RingdeskApi {
  if (window.ringdesk) return window.ringdesk;
  ws ??= createWsApi({ url: hostUrl() });
  return ws.api;
}

/** Runs after the page's socket to the host comes back; never in Electron, where IPC does not drop. */
export function onTransportReopen(fn: () => void): () => void {
  if (window.ringdesk) return () => undefined;
  api();
  return ws ? ws.onReopen(fn) : () => undefined;
}

/** Invokes a channel and unwraps its reply; `ok:false` throws a BridgeError with the wire code. */
export async function call<C extends InvokeChannel>(channel: C, args: InvokeArgs<C>): Promise<InvokeResult<C>> {
  // A mapped type indexed by a generic key loses the link between C and its signature.
  const a = api() as unknown as Record<C, (x: InvokeArgs<C>) => Promise<InvokeReply<InvokeResult<C>>>>;
  let reply: InvokeReply<InvokeResult<C>>;
  try {
    reply = await a[channel](args);
  } catch (e) {
    // Electron rejects only when the channel has no handler; report it like any other failure.
    throw new BridgeError('internal', errorMessage(e));
  }
  if (!reply.ok) throw new BridgeError(reply.error.code, reply.error.message, reply.error.retryAfterMs);
  return reply.value;
}

/** Subscribes to an event channel; returns the unsubscribe function. */
export function on<C extends EventChannel>(channel: C, fn: (payload: EventPayload<C>) => void): () => void {
  // Same as in call(): `on${Capitalize<C>}` is the method eventMethodName(C) names.
  const a = api() as unknown as Partial<Record<string, (f: (p: EventPayload<C>) => void) => () => void>>;
  const name = eventMethodName(channel);
  if (typeof a[name] !== 'function') throw new BridgeError('internal', `no event channel ${channel}`);
  return a[name](fn);
}

/** RoomClient's way to the SFU: the `sfu` invoke and event channels. */
export const sfuPort: SfuPort = {
  async request<T extends SfuRequestType>(type: T, data: unknown): Promise<SfuRequestResult<T>> {
    // Main relays the server's answer to `type`, already checked against SFU_REQUESTS[type].result.
    return (await call('sfu', { type, data })) as SfuRequestResult<T>;
  },
  onPush: (fn) => on('sfu', fn),
};

/** Tests only: forget the WebSocket api so the next call builds a fresh one. */
export function resetBridgeForTests(): void {
  ws?.close();
  ws = null;
}
