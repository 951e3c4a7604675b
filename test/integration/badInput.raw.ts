// Raw-protocol helpers for the bad-input scenario tests: a bare `ws` socket that sends frames by hand
// and reads every server frame through the client's own validator (so a malformed answer fails the test).
import { expect } from 'vitest';
import WebSocket from 'ws';
import { asUserId, parseServerFrame, type Push, type RequestId, type ResponseFrame, type ServerFrame } from '../../src/shared/protocol/index.ts';
import { connect, EVENT_WAIT_MS, once, PASSWORD, type TestClient, type TestServer } from './harness.ts';

export interface Closed {
  code: number;
  reason: string;
}
type Received = ServerFrame;

const sockets = new Set<RawClient>();
const clients: TestClient[] = [];

export class RawClient {
  readonly ws: WebSocket;
  /** Frames received and not yet taken by a wait, in arrival order. */
  readonly #inbox: Received[] = [];
  readonly #wakers = new Set<() => void>();
  #nextId = 1;
  closedWith: Closed | null = null;
  readonly closed: Promise<Closed>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: WebSocket.RawData) => {
      // Anything the real client could not read throws here and is kept as a failing frame.
      this.#inbox.push(parseServerFrame(JSON.parse(data.toString()) as unknown));
      this.#wakeAll();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code: number, reason: Buffer) => {
        this.closedWith = { code, reason: reason.toString() };
        this.#wakeAll();
        resolve(this.closedWith);
      }),
    );
  }

  #wakeAll(): void {
    for (const w of [...this.#wakers]) w();
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    ws.on('error', () => undefined); // a 1009 close also surfaces as an error on the sending side
    const c = new RawClient(ws);
    sockets.add(c);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  sendText(text: string): void {
    this.ws.send(text);
  }
  /** Sends a request frame; returns the id used. */
  send(type: string, data: unknown, id: RequestId = this.#nextId++): RequestId {
    this.ws.send(JSON.stringify({ id, type, data }));
    return id;
  }

  /** Takes the first received frame that matches, waiting for it; fails on timeout or when the socket closes first. */
  async take(pred: (r: Received) => boolean, what: string, ms = EVENT_WAIT_MS): Promise<Received> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.#inbox.findIndex(pred);
      if (i >= 0) return this.#inbox.splice(i, 1)[0] as Received; // findIndex found it
      if (this.closedWith) throw new Error(`socket closed (${this.closedWith.code} ${this.closedWith.reason}) before ${what}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#wakers.delete(wake);
          r();
        };
        const timer = setTimeout(wake, left);
        this.#wakers.add(wake);
      });
    }
  }

  /** The response that carries `id` (null: the answer to an unreadable frame). */
  async response(id: RequestId | null, ms?: number): Promise<ResponseFrame> {
    const r = await this.take((f) => f.kind === 'response' && f.frame.id === id, `response ${String(id)}`, ms);
    if (r.kind !== 'response') throw new Error('unreachable');
    return r.frame;
  }

  async push(type: Push['type'], ms?: number): Promise<Push> {
    const r = await this.take((f) => f.kind === 'push' && f.push.type === type, `push ${type}`, ms);
    if (r.kind !== 'push') throw new Error('unreachable');
    return r.push;
  }

  async request(type: string, data: unknown, ms?: number): Promise<ResponseFrame> {
    return this.response(this.send(type, data), ms);
  }

  async login(user: string, device = `${user}-raw`, password = PASSWORD, protocolVersion = 1): Promise<ResponseFrame> {
    return this.request('login', { userId: user, password, deviceId: device, deviceName: device, protocolVersion });
  }

  /** The frames received and not taken, for asserting that nothing else arrived. */
  get unread(): Received[] {
    return [...this.#inbox];
  }

  /**
   * A round trip (ping, pong) that resolves once the server has handled everything sent before it, or
   * when the socket closes: a close the server already decided on is seen by then.
   */
  async roundTrip(): Promise<void> {
    const pong = new Promise<void>((resolve) => this.ws.once('pong', () => resolve()));
    this.ws.ping();
    await Promise.race([pong, this.closed]);
  }

  /** Resolves with the close; fails if the socket is still open after `ms`. */
  async closeWithin(ms = EVENT_WAIT_MS): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export function errorOf(r: ResponseFrame): { code: string; message: string } | undefined {
  return 'error' in r ? r.error : undefined;
}

/** Logs in on a raw socket and checks it worked. */
export async function rawSession(url: string, user: string, device?: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  const r = await c.login(user, device);
  expect(r).toMatchObject({ result: { userId: user } });
  return c;
}

export async function client(url: string, user: string, device?: string): Promise<TestClient> {
  const c = await connect(url, user, device);
  clients.push(c);
  return c;
}

/**
 * The server still does its job: two fresh real clients sign in, one calls the other, the call rings and is cancelled.
 * Returns nothing; every step asserts.
 */
export async function expectServerHealthy(t: TestServer, from: string, to: string): Promise<void> {
  const [a, b] = [await client(t.url, from, `${from}-check`), await client(t.url, to, `${to}-check`)];
  const rang = once(b.calls, 'callInvitationReceived');
  const { call } = await a.calls.callInvite([asUserId(to)]);
  expect(call.users.map((u) => [u.userId, u.state])).toEqual([
    [from, 'accepted'],
    [to, 'inviting'],
  ]);
  expect((await rang)[0].call.callID).toBe(call.callID);
  const { call: after } = await a.calls.callCancel(call.callID);
  expect(after.callState).toBe('ended');
  for (const c of [a, b]) c.sig.close();
}

/** No call was ever stored for `user` and none is active on the server. */
export async function expectNoCalls(t: TestServer, user: string): Promise<void> {
  expect(t.server.services.calls.activeCallCount).toBe(0);
  expect((await t.server.services.store.listCallsFor(asUserId(user), 10, 0)).calls).toEqual([]);
}

export function cleanupSockets(): void {
  for (const c of sockets) c.ws.terminate();
  sockets.clear();
  for (const c of clients.splice(0)) c.sig.close();
}
