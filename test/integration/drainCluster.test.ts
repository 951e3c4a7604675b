// The drain's cluster seam, in process with the real worker: a CallHandover that says other nodes go
// on with the calls (what the cluster mode plugs in). Every client is sent away with 4307 after the
// leases were handed over, while the call's room stays here until the deadline. And server.drain()
// from code, on a single node: not ready, newcomers refused, stopped.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallHandover } from '../../server/drain/CallHandover.ts';
import { CLOSE_CODES } from '../../src/shared/protocol/index.ts';
import { connect, once, startTestServer, until, type TestClient, type TestServer } from './harness.ts';
import { acceptedCall, joinAndSend, requireWorker } from './sfuKit.ts';
import { TestClock } from './testClock.ts';

requireWorker();

let t: TestServer | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await t?.close();
  t = null;
});

/** Resolves with the reason of the next reconnect this client schedules (the server's close reason). */
const sentAway = (c: TestClient): Promise<string> => once(c.sig, 'state', (s, d) => s === 'reconnecting' && d.reason !== undefined).then(([, d]) => d.reason ?? '');

/** A fresh WebSocket's close code. */
function newcomer(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.addEventListener('close', (e) => resolve(e.code));
    ws.addEventListener('error', () => undefined);
  });
}

describe('drain in a cluster (CallHandover says other nodes go on)', () => {
  it('hands the leases over first, then sends every client away, and keeps the room until the deadline', async () => {
    const order: string[] = [];
    const handover: CallHandover = {
      continuesElsewhere: true,
      // As the cluster's will: once handed over, this node runs none of the calls' transitions or timers.
      handOver: () => {
        order.push('handOver');
        t?.server.services.calls.stop();
        return Promise.resolve(1);
      },
    };
    // A short heartbeat timeout (the media grace, on real timers): the media must outlast it. The
    // server's clock is stopped: the drain's deadline comes when the test says, and the heartbeat
    // sweep (which reads that clock) cannot drop a client that a busy machine kept silent for 1 s.
    const clock = new TestClock().stop();
    t = await startTestServer(['alice', 'bob'], { drainTimeoutMs: 60_000, heartbeatTimeoutMs: 1000 }, clock, { handover });
    const server = t.server;
    const { alice, bob, callID } = await acceptedCall(t);
    clients.push(alice, bob);
    await joinAndSend(alice, callID);
    await joinAndSend(bob, callID);
    const awayA = sentAway(alice).then((r) => (order.push('alice sent away'), r));
    const awayB = sentAway(bob);

    const ended = server.drain();
    expect(server.draining).toBe(true);
    expect((await server.readiness.evaluate()).checks['draining']).toBe('draining');
    expect(await newcomer(t.url)).toBe(CLOSE_CODES.draining);
    expect(await awayA).toMatch(/^server draining; reconnect elsewhere; retry after \d+ ms$/);
    expect(await awayB).toMatch(/server draining/);
    expect(order.slice(0, 2)).toEqual(['handOver', 'alice sent away']);
    // Nobody is connected here any more, and the call's media is still on this node, past the grace.
    await until(() => server.services.sessions.connectionCount === 0, 15_000, 'every client gone');
    const gone = Date.now();
    await until(() => Date.now() - gone > 1500, 15_000, 'the media grace passed');
    expect(server.services.sfu.rooms.size).toBe(1);
    expect(server.services.sfu.inspect(callID)?.peers).toHaveLength(2);
    clock.advance(60_000);
    await expect(ended).resolves.toBe('deadline');
  });
});

describe('server.drain() on a single node', () => {
  it('with no deadline: refuses newcomers, tells the client 4307, and stops', async () => {
    t = await startTestServer(['carol'], { sfu: { enabled: false } });
    const carol = await connect(t.url, 'carol');
    clients.push(carol);
    const away = sentAway(carol);
    await expect(t.server.drain()).resolves.toBe('immediate');
    expect(await away).toMatch(/server draining/);
    expect(t.server.draining).toBe(true);
  });
});
