import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostFrame } from '../../src/shared/ipc/api.ts';
import type { InvokeReply } from '../../src/shared/ipc/channels.ts';
import type { EventChannel } from '../../src/shared/ipc/contract.ts';
import type { IpcTransport } from '../../src/main/ipc/transport.ts';

const MAX_FRAME_BYTES = 256 * 1024;

/**
 * The IPC contract over a WebSocket: the headless host's second transport. Each page is one
 * socket; the sender it reports is the page's Origin, which registerIpc checks like Electron's
 * frame URL. Frames that are not `{t:'invoke', id, channel, args}` get an error reply (when the
 * id is readable) and change nothing.
 */
export class WsIpcTransport implements IpcTransport {
  readonly wss: WebSocketServer;
  readonly #pages = new Set<WebSocket>();
  #handler: Parameters<IpcTransport['serve']>[0] | null = null;

  constructor() {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.#onPage(ws, req.headers.origin ?? ''));
  }

  serve(handler: Parameters<IpcTransport['serve']>[0]): () => void {
    this.#handler = handler;
    return () => {
      this.#handler = null;
    };
  }

  emit(channel: EventChannel, payload: unknown): void {
    const frame = JSON.stringify({ t: 'event', channel, payload } satisfies HostFrame);
    for (const ws of this.#pages) if (ws.readyState === ws.OPEN) ws.send(frame);
  }

  /** Drops every page socket (tests use it to check that pages reconnect). */
  dropPages(): void {
    for (const ws of this.#pages) ws.terminate();
  }

  get pageCount(): number {
    return this.#pages.size;
  }

  #onPage(ws: WebSocket, origin: string): void {
    this.#pages.add(ws);
    ws.on('close', () => this.#pages.delete(ws));
    // ws reports a page's protocol error (oversized frame, bad UTF-8) here and closes that socket
    // itself (1009/1002); without a listener the error would take the whole host down.
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => void this.#onFrame(ws, origin, isBinary ? null : data.toString()));
  }

  async #onFrame(ws: WebSocket, origin: string, text: string | null): Promise<void> {
    let frame: unknown;
    try {
      frame = text === null ? null : JSON.parse(text);
    } catch {
      frame = null;
    }
    const f = frame as { t?: unknown; id?: unknown; channel?: unknown; args?: unknown } | null; // shape checked field by field below
    const id = typeof f?.id === 'number' && Number.isInteger(f.id) ? f.id : null;
    const reply = (r: InvokeReply<unknown>): void => {
      if (id !== null && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'reply', id, reply: r } satisfies HostFrame));
    };
    if (f?.t !== 'invoke' || id === null || typeof f.channel !== 'string') {
      reply({ ok: false, error: { code: 'bad_request', message: 'expected {t:"invoke", id, channel, args}' } });
      return;
    }
    if (!this.#handler) return reply({ ok: false, error: { code: 'internal', message: 'the host is shutting down' } });
    reply(await this.#handler(f.channel, f.args, { url: `${origin}/` }));
  }
}
