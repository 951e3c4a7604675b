// TURN credentials on the wire, against a real server and worker: absent without a `turn` section,
// and with one, a fresh TURN REST API credential for this user on every transport and ICE restart.
import { createHmac } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';
import { acceptedCall, join, req, requireWorker } from './sfuKit.ts';

const SECRET = 'integration-turn-shared-secret';
const URLS = ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example.com:443?transport=tcp'];

let t: TestServer | null = null;
beforeAll(() => void requireWorker());
afterEach(async () => {
  await t?.close();
  t = null;
});

describe('TURN servers handed to clients', () => {
  it('without a turn section the transport carries no iceServers and no policy', async () => {
    t = await startTestServer(['alice', 'bob']);
    const { alice, callID } = await acceptedCall(t);
    await join(alice, callID);
    const tr = await req(alice, 'sfuCreateTransport', { callID, direction: 'send' });
    expect(tr.transportId).toEqual(expect.any(String));
    expect('iceServers' in tr).toBe(false);
    expect('iceTransportPolicy' in tr).toBe(false);
    const restarted = await req(alice, 'sfuRestartIce', { callID, transportId: tr.transportId });
    expect('iceServers' in restarted).toBe(false);
  });

  it('with one, each transport and each ICE restart carries a credential for this user that coturn would accept', async () => {
    t = await startTestServer(['alice', 'bob'], { turn: { urls: URLS, secret: SECRET, ttlSec: 3600, iceTransportPolicy: 'relay' } });
    const { alice, bob, callID } = await acceptedCall(t);
    await join(alice, callID);
    await join(bob, callID);
    const before = Math.floor(Date.now() / 1000);
    const tr = await req(alice, 'sfuCreateTransport', { callID, direction: 'send' });
    const bobs = await req(bob, 'sfuCreateTransport', { callID, direction: 'recv' });
    const after = Math.floor(Date.now() / 1000);
    expect(tr.iceTransportPolicy).toBe('relay');
    const check = (server: { urls: string[]; username: string; credential: string } | undefined, user: string): void => {
      expect(server?.urls).toEqual(URLS);
      const [expiry, name] = (server?.username ?? '').split(':');
      expect(name).toBe(user);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + 3600);
      expect(Number(expiry)).toBeLessThanOrEqual(after + 3600 + 60);
      expect(server?.credential).toBe(createHmac('sha1', SECRET).update(server?.username ?? '').digest('base64'));
    };
    expect(tr.iceServers).toHaveLength(1);
    check(tr.iceServers?.[0], 'alice');
    check(bobs.iceServers?.[0], 'bob');
    const restarted = await req(alice, 'sfuRestartIce', { callID, transportId: tr.transportId });
    check(restarted.iceServers?.[0], 'alice');
  });
});
