import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { RingdeskError, type ErrorCode } from '../../shared/errors.ts';

/** How long the probe waits for TCP (and TLS) to complete before it calls the server silent. */
export const PROBE_TIMEOUT_MS = 5_000;

/** What can stop a sign-in before the server says anything; the renderer words each (signinErrors.<code>). */
export type ReachCode = Extract<ErrorCode, 'server_not_found' | 'server_refused' | 'server_tls' | 'server_timeout' | 'disconnected'>;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Maps a Node socket/TLS error to the kind of failure a user can act on. */
export function classifyNetError(e: unknown): ReachCode {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (DNS_CODES.has(code)) return 'server_not_found';
  if (REFUSED_CODES.has(code)) return 'server_refused';
  if (TIMEOUT_CODES.has(code)) return 'server_timeout';
  // OpenSSL's verification codes (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, …), Node's
  // hostname check, and handshake failures.
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/.test(code)) return 'server_tls';
  return 'disconnected';
}

/**
 * Finds out why a WebSocket could not reach `serverUrl`: the WebSocket only says it failed, so
 * this repeats the TCP (and for wss:// the TLS) step with Node's sockets, whose errors name the
 * cause. Resolves null when that step works (the failure was higher up: HTTP or WebSocket).
 */
export function probeServer(serverUrl: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ReachCode | null> {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return Promise.resolve('server_not_found');
  }
  const secure = url.protocol === 'wss:';
  const port = Number(url.port || (secure ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    // Every callback below runs later than these two lines, so both are set by then.
    const socket: Socket = secure ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ALPNProtocols: ['http/1.1'] }, () => finish(null)) : netConnect({ host, port }, () => finish(null));
    const timer = setTimeout(() => finish('server_timeout'), timeoutMs);
    socket.once('error', (e) => finish(classifyNetError(e)));
    function finish(r: ReachCode | null): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    }
  });
}

/** Codes that mean "we never heard from the server": worth a probe to say why. */
const UNREACHED: ReadonlySet<ErrorCode> = new Set(['disconnected', 'request_timeout']);

/**
 * The error a failed sign-in should show: the server's own answer (wrong password, throttled,
 * version) as it came, and "could not reach it" made precise by a probe. The message stays
 * technical English for the log; the renderer words the code with the address.
 */
export async function explainSignInFailure(serverUrl: string, e: unknown, timeoutMs = PROBE_TIMEOUT_MS): Promise<unknown> {
  if (!(e instanceof RingdeskError) || !UNREACHED.has(e.code)) return e;
  const found = await probeServer(serverUrl, timeoutMs);
  // TCP/TLS fine but no WebSocket session: a timeout stays a timeout, anything else is a protocol mismatch at the HTTP level.
  const code: ErrorCode = found ?? (e.code === 'request_timeout' ? 'server_timeout' : 'disconnected');
  return new RingdeskError(code, `${e.message} [probe: ${found ?? 'tcp ok'}]`);
}
