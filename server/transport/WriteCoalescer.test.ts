import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WriteCoalescer } from './WriteCoalescer.ts';

let http: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  http = null;
});

/** A real ws server and client; resolves with the server side's socket and WebSocket once connected. */
async function pair(): Promise<{ server: WebSocket; socket: Socket; client: WebSocket }> {
  http = createServer();
  const wss = new WebSocketServer({ server: http });
  await new Promise<void>((r) => http?.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as AddressInfo).port; // TCP listener
  const accepted = new Promise<{ server: WebSocket; socket: Socket }>((r) => wss.once('connection', (server, req) => r({ server, socket: req.socket })));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => client.once('open', r));
  return { ...(await accepted), client };
}

/** Counts the writes that reach the socket's stream implementation (each is one write/writev syscall). */
function countWrites(socket: Socket): () => number {
  let n = 0;
  const s = socket as unknown as { _writev?: (...a: unknown[]) => unknown; _write: (...a: unknown[]) => unknown }; // Writable's implementer hooks
  const w = s._write.bind(socket);
  s._write = (...a) => (n++, w(...a));
  if (s._writev) {
    const wv = s._writev.bind(socket);
    s._writev = (...a) => (n++, wv(...a));
  }
  return () => n;
}

describe('WriteCoalescer', () => {
  it('the frames of one callback and its promise continuations reach the socket as one write, each its own message, in send order', async () => {
    const { server, socket, client } = await pair();
    const got: string[] = [];
    const all = new Promise<void>((r) => client.on('message', (d: Buffer) => got.push(d.toString()) === 300 && r()));
    const writes = countWrites(socket);
    const coalescer = new WriteCoalescer();
    const sendTick = (from: number) => {
      for (let i = from; i < from + 100; i++) {
        coalescer.hold(socket);
        server.send(JSON.stringify({ type: 'n', data: { i } }));
      }
    };
    sendTick(0);
    expect(socket.writableCorked).toBeGreaterThan(0); // held until the end of the tick
    await new Promise((r) => setImmediate(r));
    expect(socket.writableCorked).toBe(0);
    expect(writes()).toBe(1);
    sendTick(100);
    await Promise.resolve(); // a later microtask of the same tick joins the same write
    sendTick(200);
    await all;
    expect(writes()).toBe(2);
    expect(got.map((f) => (JSON.parse(f) as { data: { i: number } }).data.i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(coalescer.stats).toEqual({ flushes: 2, sockets: 2 });
    client.close();
    server.close();
  });

  it('without it, the same tick costs a write per frame (what the coalescer saves)', async () => {
    const { server, socket, client } = await pair();
    const writes = countWrites(socket);
    const all = new Promise<void>((r) => {
      let n = 0;
      client.on('message', () => ++n === 50 && r());
    });
    for (let i = 0; i < 50; i++) server.send(`{"i":${i}}`);
    await all;
    expect(writes()).toBeGreaterThan(1);
    client.close();
    server.close();
  });
});
