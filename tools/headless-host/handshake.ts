import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits: the per-run secret in the URL the host prints and on every page's socket. */
const TOKEN_BYTES = 32;

export function newHostToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export type HandshakeVerdict = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string };

/**
 * Who may open the IPC socket: the page we served (its Origin) that also knows this run's token.
 * The Origin alone is not enough: any local process can send any Origin header, but only the
 * browser tab opened from the printed URL has the token. Checked before the upgrade, so a refused
 * client never reaches the IPC handlers.
 */
export function checkHandshake(req: IncomingMessage, expected: { origin: string; token: string }): HandshakeVerdict {
  const url = new URL(req.url ?? '/', 'http://host');
  if (url.pathname !== '/ipc') return { ok: false, status: 404, reason: 'not the IPC path' };
  if (req.headers.origin !== expected.origin) return { ok: false, status: 403, reason: 'wrong or missing Origin' };
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const want = Buffer.from(expected.token);
  // timingSafeEqual needs equal lengths; the token's length is no secret.
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, status: 401, reason: 'wrong or missing token' };
  return { ok: true };
}
