import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RingdeskError } from '../../shared/errors.ts';
import { TestPki } from '../../../test/integration/pki.ts';
import { classifyNetError, explainSignInFailure, probeServer } from './signInFailure.ts';

/** Real servers on free ports: each failure comes from Node's own sockets, as at a real sign-in. */
const servers: Server[] = [];
const held: Socket[] = [];
function listen(s: Server): Promise<number> {
  servers.push(s);
  s.on('connection', (c) => held.push(c));
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

let pki: TestPki;
let closedPort = 0;
let silentPort = 0;
let tlsPort = 0;
beforeAll(async () => {
  // A port that was just free: bind, note, close.
  const tmp = createServer();
  closedPort = await new Promise<number>((resolve) => tmp.listen(0, '127.0.0.1', () => resolve((tmp.address() as AddressInfo).port)));
  await new Promise((r) => tmp.close(r));
  // Accepts TCP and never says a word (not even a TLS hello).
  silentPort = await listen(createServer(() => undefined));
  // TLS with a certificate from a private CA this process does not trust.
  pki = new TestPki();
  const c = pki.issue('localhost');
  tlsPort = await listen(createTlsServer({ cert: readFileSync(c.certFile), key: readFileSync(c.keyFile) }, (sock) => sock.end()));
});
afterAll(() => {
  for (const c of held) c.destroy();
  for (const s of servers) s.close();
  pki.close();
});

describe('probeServer: the kind of failure, from real Node errors', () => {
  it.each([
    ['DNS: a name that cannot resolve (.invalid is reserved, no network needed)', () => 'ws://nonexistent.invalid:8787/ws', 'server_not_found'],
    ['refused: nothing listens on the port', () => `ws://127.0.0.1:${closedPort}/ws`, 'server_refused'],
    ['TLS: a certificate nobody here trusts', () => `wss://localhost:${tlsPort}/ws`, 'server_tls'],
    ['timeout: TCP accepted, the TLS handshake never answered', () => `wss://127.0.0.1:${silentPort}/ws`, 'server_timeout'],
    ['reachable: TCP works, so the cause is higher up', () => `ws://127.0.0.1:${silentPort}/ws`, null],
  ] as const satisfies readonly (readonly [string, () => string, string | null])[])('%s', async (_name, url, expected) => {
    await expect(probeServer(url(), 1_500)).resolves.toBe(expected);
  });
});

describe('classifyNetError', () => {
  it.each([
    ['ENOTFOUND', 'server_not_found'],
    ['EAI_AGAIN', 'server_not_found'],
    ['ECONNREFUSED', 'server_refused'],
    ['EHOSTUNREACH', 'server_refused'],
    ['ETIMEDOUT', 'server_timeout'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'server_tls'],
    ['CERT_HAS_EXPIRED', 'server_tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'server_tls'],
    ['EPIPE', 'disconnected'],
  ] as const)('%s → %s', (code, expected) => {
    expect(classifyNetError(Object.assign(new Error(code), { code }))).toBe(expected);
  });
  it('anything without a code is a plain disconnect', () => {
    expect(classifyNetError('boom')).toBe('disconnected');
  });
});

describe('explainSignInFailure', () => {
  it('makes "could not connect" precise and keeps the server\'s own answers as they came', async () => {
    const refused = await explainSignInFailure(`ws://127.0.0.1:${closedPort}/ws`, new RingdeskError('disconnected', 'cannot reach'), 1_500);
    expect(refused).toMatchObject({ code: 'server_refused' });
    const silent = await explainSignInFailure(`ws://127.0.0.1:${silentPort}/ws`, new RingdeskError('request_timeout', 'no answer'), 1_500);
    expect(silent).toMatchObject({ code: 'server_timeout' });
    const throttled = new RingdeskError('auth_throttled', 'slow down', 30_000);
    expect(await explainSignInFailure('ws://127.0.0.1:1/ws', throttled)).toBe(throttled);
    const wrong = new RingdeskError('auth_failed', 'wrong password');
    expect(await explainSignInFailure('ws://127.0.0.1:1/ws', wrong)).toBe(wrong);
  });
});
