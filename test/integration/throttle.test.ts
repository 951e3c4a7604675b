// Sign-in throttling against a real server: backoff per address and per account, the real user on a
// clean address still signs in, and X-Forwarded-For counts only when trustProxy says so.
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseServerFrame, type ResponseFrame } from '../../src/shared/protocol/index.ts';
import { PASSWORD, startTestServer, type TestServer } from './harness.ts';

let srv: TestServer;
afterEach(async () => {
  await srv.close();
});

/** One login on a fresh socket (so the per-connection limit of 5 never closes it), with an X-Forwarded-For header. */
async function loginFrom(forwardedFor: string | null, user: string, password: string): Promise<ResponseFrame> {
  const ws = new WebSocket(srv.url, forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {});
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<ResponseFrame>((resolve) =>
      ws.once('message', (d: WebSocket.RawData) => {
        const f = parseServerFrame(JSON.parse(d.toString()) as unknown);
        if (f.kind === 'response') resolve(f.frame);
      }),
    );
    ws.send(JSON.stringify({ id: 1, type: 'login', data: { userId: user, password, deviceId: `d-${Math.random().toString(36).slice(2)}`, deviceName: 't', protocolVersion: 1 } }));
    return await answer;
  } finally {
    ws.close();
  }
}
const codeOf = (r: ResponseFrame): string => ('error' in r ? r.error.code : 'ok');

it('an attack on alice from one address: 5 × auth_failed, then auth_throttled with retryAfterMs even for the right password; alice from another address signs in', async () => {
  srv = await startTestServer(['alice'], { trustProxy: true });
  const attacker = '203.0.113.66';
  const codes: string[] = [];
  for (let i = 0; i < 5; i++) codes.push(codeOf(await loginFrom(`10.0.0.1, ${attacker}`, 'alice', `guess-${i}`)));
  expect(codes).toEqual(Array(5).fill('auth_failed'));
  const throttled = await loginFrom(attacker, 'alice', PASSWORD);
  expect(throttled).toMatchObject({ error: { code: 'auth_throttled', retryAfterMs: expect.any(Number) } });
  expect('error' in throttled && throttled.error.retryAfterMs).toBeGreaterThan(0);
  expect('error' in throttled && throttled.error.message).toMatch(/try again in \d+ s/);
  // The real alice, at home: not held back by the attack on her account.
  expect(await loginFrom('198.51.100.20', 'alice', PASSWORD)).toMatchObject({ result: { userId: 'alice' } });
});

it('a distributed attack: each address that failed on the account waits once the account passes 5 failures; a clean address does not', async () => {
  srv = await startTestServer(['alice', 'bob'], { trustProxy: true });
  for (let a = 1; a <= 5; a++) expect(codeOf(await loginFrom(`192.0.2.${a}`, 'alice', 'guess'))).toBe('auth_failed');
  expect(codeOf(await loginFrom('192.0.2.1', 'alice', 'guess'))).toBe('auth_throttled');
  // The same address may still sign in to another account (it is below its own per-address limit).
  expect(codeOf(await loginFrom('192.0.2.1', 'bob', PASSWORD))).toBe('ok');
  expect(codeOf(await loginFrom('192.0.2.200', 'alice', PASSWORD))).toBe('ok');
});

it('without trustProxy, X-Forwarded-For is ignored: changing it does not escape the per-address backoff', async () => {
  srv = await startTestServer(['alice', 'bob']);
  for (let i = 0; i < 5; i++) expect(codeOf(await loginFrom(`198.51.100.${i}`, 'bob', 'guess'))).toBe('auth_failed');
  // Every socket came from 127.0.0.1: that address is now backing off, whatever the header says.
  expect(codeOf(await loginFrom('198.51.100.99', 'alice', PASSWORD))).toBe('auth_throttled');
  expect(codeOf(await loginFrom(null, 'alice', PASSWORD))).toBe('auth_throttled');
});
