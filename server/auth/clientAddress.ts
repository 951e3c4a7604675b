import type { IncomingMessage } from 'node:http';

/**
 * The address sign-in throttling counts against. The socket's peer, unless `trustProxy`: then the
 * last X-Forwarded-For entry, the one our own reverse proxy appended (earlier entries are whatever
 * the client chose to send, so they are never used).
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return peer;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  const last = value
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .at(-1);
  return last ?? peer;
}
