import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Logger } from '../../src/main/log/Logger.ts';
import { registerIpc, type IpcHandlers } from '../../src/main/ipc/registerIpc.ts';
import type { InvokeHandler, IpcSender } from '../../src/main/ipc/transport.ts';
import type { HostFrame } from '../../src/shared/ipc/api.ts';
import { WsIpcTransport } from './wsTransport.ts';

const ORIGIN = 'http://127.0.0.1:5173';

/** A page: its socket and every frame it got, with a way to wait for the next ones. */
class Page {
  readonly frames: HostFrame[] = [];
  readonly #waiters: (() => void)[] = [];
  readonly ws: WebSocket;
  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as HostFrame); // the transport only sends HostFrame JSON
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  async waitFor(count: number): Promise<HostFrame[]> {
    while (this.frames.length < count) await new Promise<void>((r) => this.#waiters.push(r));
    return this.frames;
  }
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  closed(): Promise<number> {
    return new Promise((r) => (this.ws.readyState === WebSocket.CLOSED ? r(-1) : this.ws.once('close', (code) => r(code))));
  }
}

let http: Server;
let transport: WsIpcTransport;
let url: string;
let seen: { channel: string; args: unknown; sender: IpcSender }[];
const pages: Page[] = [];

/** Echoes what it got, the way registerIpc would answer. */
const echo: InvokeHandler = async (channel, args, sender) => {
  seen.push({ channel, args, sender });
  return { ok: true, value: { channel, args } };
};

async function connect(headers: Record<string, string> = { origin: ORIGIN }): Promise<Page> {
  const ws = new WebSocket(url, { headers });
  const page = new Page(ws);
  pages.push(page);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return page;
}

/** Waits until the server side has registered (or dropped) the expected number of pages: 15 s bounds a broken build, not speed. */
async function pageCountIs(n: number): Promise<void> {
  const end = Date.now() + 15_000;
  while (transport.pageCount !== n && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  expect(transport.pageCount).toBe(n);
}

beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(async () => {
  seen = [];
  transport = new WsIpcTransport();
  http = createServer((_req, res) => res.writeHead(404).end());
  // Wired the way tools/headless-host/host.ts wires it.
  http.on('upgrade', (req, socket, head) => {
    if (req.url !== '/ipc') return socket.destroy();
    transport.wss.handleUpgrade(req, socket, head, (ws) => transport.wss.emit('connection', ws, req));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ipc`; // listening on TCP, so an AddressInfo
});
afterEach(async () => {
  for (const p of pages.splice(0)) p.ws.terminate();
  transport.wss.close();
  http.closeAllConnections();
  await new Promise<void>((r) => http.close(() => r()));
});

describe('WsIpcTransport', () => {
  it('hands a good invoke to the handler with the Origin as sender URL and replies with its id', async () => {
    transport.serve(echo);
    const page = await connect();
    page.send({ t: 'invoke', id: 1, channel: 'callJoin', args: { callID: 'c1' } });
    expect(await page.waitFor(1)).toEqual([{ t: 'reply', id: 1, reply: { ok: true, value: { channel: 'callJoin', args: { callID: 'c1' } } } }]);
    expect(seen).toEqual([{ channel: 'callJoin', args: { callID: 'c1' }, sender: { url: `${ORIGIN}/` } }]);
  });

  it('ignores frames with no readable id and keeps the socket open', async () => {
    transport.serve(echo);
    const page = await connect();
    page.send('this is not JSON');
    page.send({ t: 'invoke', channel: 'getSettings' });
    page.send({ t: 'invoke', id: 1.5, channel: 'getSettings' });
    page.send({ t: 'invoke', id: '2', channel: 'getSettings' });
    page.send('null');
    page.ws.send(Buffer.from(JSON.stringify({ t: 'invoke', id: 3, channel: 'getSettings' })), { binary: true });
    page.send({ t: 'invoke', id: 4, channel: 'getSettings', args: {} });
    const frames = await page.waitFor(1);
    expect(frames).toEqual([{ t: 'reply', id: 4, reply: { ok: true, value: { channel: 'getSettings', args: {} } } }]);
    expect(seen.map((s) => s.channel)).toEqual(['getSettings']);
    expect(page.ws.readyState).toBe(WebSocket.OPEN);
  });

  it.each([
    ['no t', { id: 7, channel: 'getSettings' }],
    ['another t', { t: 'reply', id: 7, channel: 'getSettings' }],
    ['no channel', { t: 'invoke', id: 7 }],
    ['a numeric channel', { t: 'invoke', id: 7, channel: 12 }],
  ])('answers a frame with an id but %s with bad_request', async (_name, frame) => {
    transport.serve(echo);
    const page = await connect();
    page.send(frame);
    const [reply] = await page.waitFor(1);
    expect(reply).toMatchObject({ t: 'reply', id: 7, reply: { ok: false, error: { code: 'bad_request' } } });
    expect(seen).toEqual([]);
    expect(page.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers internal once the handler is gone', async () => {
    const stop = transport.serve(echo);
    stop();
    const page = await connect();
    page.send({ t: 'invoke', id: 9, channel: 'getSettings', args: {} });
    expect(await page.waitFor(1)).toEqual([{ t: 'reply', id: 9, reply: { ok: false, error: { code: 'internal', message: 'the host is shutting down' } } }]);
    expect(seen).toEqual([]);
  });

  it('reports an empty origin as "/" when the page sent none', async () => {
    transport.serve(echo);
    const page = await connect({});
    page.send({ t: 'invoke', id: 1, channel: 'getSettings' });
    await page.waitFor(1);
    expect(seen[0]?.sender).toEqual({ url: '/' });
  });

  it('emit() reaches every open page', async () => {
    const a = await connect();
    const b = await connect();
    await pageCountIs(2);
    transport.emit('shortcut', { action: 'toggleMute' });
    const event = { t: 'event', channel: 'shortcut', payload: { action: 'toggleMute' } };
    expect(await a.waitFor(1)).toEqual([event]);
    expect(await b.waitFor(1)).toEqual([event]);
  });

  it('dropPages() closes every page socket and forgets them', async () => {
    const a = await connect();
    const b = await connect();
    await pageCountIs(2);
    transport.dropPages();
    await Promise.all([a.closed(), b.closed()]);
    await pageCountIs(0);
    const c = await connect();
    await pageCountIs(1);
    transport.emit('shortcut', { action: 'toggleMute' });
    expect(await c.waitFor(1)).toHaveLength(1);
    expect(a.frames).toEqual([]);
  });

  it('a protocol error on one page socket does not throw out of the host', async () => {
    await connect();
    await pageCountIs(1);
    const [serverSide] = [...transport.wss.clients];
    expect(serverSide).toBeDefined();
    expect(() => serverSide?.emit('error', new RangeError('Max payload size exceeded'))).not.toThrow();
  });

  it('closes a page that sends a frame over 256 KiB (1009)', async () => {
    transport.serve(echo);
    const page = await connect();
    await pageCountIs(1);
    const closed = page.closed();
    page.send({ t: 'invoke', id: 1, channel: 'getSettings', args: { pad: 'x'.repeat(300 * 1024) } });
    expect(await closed).toBe(1009);
    expect(seen).toEqual([]);
    await pageCountIs(0);
  });

  it('with registerIpc: a page from another origin is refused, ours is parsed', async () => {
    const handlers = { setDeviceName: (a: { deviceName: string }) => ({ deviceId: 'd1', deviceName: a.deviceName }) };
    // Only setDeviceName is invoked here; registerIpc indexes handlers by the channel it parsed.
    registerIpc(transport, handlers as unknown as IpcHandlers, { isTrustedSender: (u) => u === `${ORIGIN}/` });
    const ours = await connect();
    const evil = await connect({ origin: 'https://evil.example' });
    evil.send({ t: 'invoke', id: 1, channel: 'setDeviceName', args: { deviceName: 'Pwned' } });
    ours.send({ t: 'invoke', id: 2, channel: 'setDeviceName', args: { deviceName: '  Desk ' } });
    ours.send({ t: 'invoke', id: 3, channel: 'setDeviceName', args: { deviceName: 'Desk', extra: 1 } });
    expect((await evil.waitFor(1))[0]).toMatchObject({ id: 1, reply: { ok: false, error: { code: 'forbidden' } } });
    const replies = await ours.waitFor(2);
    expect(replies.find((f) => f.t === 'reply' && f.id === 2)).toEqual({ t: 'reply', id: 2, reply: { ok: true, value: { deviceId: 'd1', deviceName: 'Desk' } } });
    expect(replies.find((f) => f.t === 'reply' && f.id === 3)).toMatchObject({ reply: { ok: false, error: { code: 'bad_request' } } });
  });
});
