import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** RFC 6455 §1.3: the GUID hashed with the client's key into Sec-WebSocket-Accept. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The form RFC 6455 §4.1 gives the key: 16 random bytes in base64 (the check `ws` makes too). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** A client that never sends its half of the close is cut off after this; ws waits 30 s, we need not. */
const LINGER_MS = 5_000;
/** A close frame's payload is at most 125 bytes: the 2-byte code and up to 123 of reason. */
const MAX_REASON_BYTES = 123;

/** An unmasked (server → client) close frame carrying `code` and `reason`. */
export function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  if (text.length > MAX_REASON_BYTES) throw new RangeError(`close reason is ${text.length} bytes; at most ${MAX_REASON_BYTES} fit in a close frame`);
  const frame = Buffer.allocUnsafe(4 + text.length);
  frame[0] = 0x88; // FIN + opcode 8 (close)
  frame[1] = 2 + text.length;
  frame.writeUInt16BE(code, 2);
  text.copy(frame, 4);
  return frame;
}

/** Whether `req` is a WebSocket upgrade `ws` would complete (the checks its handleUpgrade makes first). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  return req.method === 'GET' && req.headers.upgrade?.toLowerCase() === 'websocket' && typeof key === 'string' && KEY.test(key) && (version === '13' || version === '8');
}

/**
 * Turns a WebSocket upgrade away with a close code (4503 busy, 4307 draining), in one write and no
 * WebSocket object: the 101 answer and the close frame together, then our end of the TCP connection.
 * The client sees an opened socket closed with that code and reason, as with `ws.close()`.
 *
 * Why not `ws.close()` after a full handshake: in a reconnect storm every newcomer is refused, and a
 * refusal through `ws` cost a WebSocket object, two writes and a read of the client's close frame.
 * Nineteen thousand of them at once held the event loop for seconds, delaying the users already signed
 * in: what admission control is there to prevent (docs/benchmarks.md).
 *
 * The caller has checked `isWebSocketUpgrade(req)`.
 */
export function refuseUpgrade(req: IncomingMessage, socket: Duplex, code: number, reason: string): void {
  const accept = createHash('sha1')
    .update(String(req.headers['sec-websocket-key']) + WS_GUID)
    .digest('base64');
  socket.on('error', () => socket.destroy()); // a reset by a client that gave up: nothing to tell anyone
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(linger));
  socket.resume(); // the client's own close frame: read and dropped
  const head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), closeFrame(code, reason)]));
}
