// The server's log as an operator reads it: JSON lines naming the user and device of a sign-in,
// and never the password or the session token.
import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from '../../server/logger.ts';
import { errorOf, RawClient } from './badInput.raw.ts';
import { connect, PASSWORD, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

let t: TestServer | null = null;
const clients: TestClient[] = [];
let restore: () => void = () => undefined;
afterEach(async () => {
  restore();
  for (const c of clients.splice(0)) c.sig.close();
  await t?.close();
  t = null;
});

describe('server log', () => {
  it('sign-ins and refusals are JSON lines with userId and device, and no secret', async () => {
    const lines: string[] = [];
    restore = Logger.setWriter((l) => lines.push(l));
    t = await startTestServer(['alice'], { sfu: { enabled: false } });
    const raw = await RawClient.open(t.url);
    expect(errorOf(await raw.login('alice', 'alice-raw', 'Wrong-Secret-42'))?.code).toBe('auth_failed');
    raw.ws.close();
    const alice = await connect(t.url, 'alice');
    clients.push(alice);
    const token = alice.sig.session?.token ?? '';
    expect(token.length).toBeGreaterThan(10);
    await until(() => lines.some((l) => l.includes('login accepted')), 8000, 'the sign-in line');

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>); // every line is one JSON object
    expect(parsed).toContainEqual(expect.objectContaining({ level: 'info', logger: 'ClientConnection', msg: 'login refused: auth_failed', userId: 'alice', device: 'alice-raw' }));
    expect(parsed).toContainEqual(expect.objectContaining({ level: 'info', logger: 'ClientConnection', msg: 'login accepted', userId: 'alice', device: 'alice-d1' }));
    const all = lines.join('');
    expect(all).not.toContain('Wrong-Secret-42');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(token);
  });

  it('a refused request about a call names the call, with the user and device, at debug level', async () => {
    const lines: string[] = [];
    restore = Logger.setWriter((l) => lines.push(l));
    const level = Logger.setLevel('debug');
    const back = restore;
    restore = () => {
      Logger.setLevel(level);
      back();
    };
    t = await startTestServer(['alice'], { sfu: { enabled: false } });
    const alice = await connect(t.url, 'alice');
    clients.push(alice);
    await expect(alice.sig.request('callAccept', { callID: 'no-such-call' })).rejects.toMatchObject({ code: 'call_not_found' });
    await until(() => lines.some((l) => l.includes('callAccept refused')), 8000, 'the refusal line');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>); // every line is one JSON object
    expect(parsed).toContainEqual(expect.objectContaining({ level: 'debug', logger: 'ClientConnection', msg: expect.stringMatching(/^callAccept refused: call_not_found /), userId: 'alice', device: 'alice-d1', callID: 'no-such-call' }));
  });
});
