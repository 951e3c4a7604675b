// The request lane on a real server: sign-ins and list reads wait their turn behind calling, and a
// connection's own requests still start in the order it sent them (server/transport/RequestLane.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_CLOCK } from '../../server/app.ts';
import { RequestLane } from '../../server/transport/RequestLane.ts';
import { connect, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

let srv: TestServer;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await srv.close();
});

/** A lane whose turns run at once until `hold()`; then they wait for `release()`. */
function heldLane(): { lane: RequestLane; hold(): void; release(): void } {
  let holding = false;
  const held: (() => void)[] = [];
  const lane = new RequestLane({ schedule: (fn) => (holding ? held.push(fn) : setImmediate(fn)) });
  return {
    lane,
    hold: () => (holding = true),
    release() {
      holding = false;
      for (const fn of held.splice(0)) setImmediate(fn);
    },
  };
}

describe('request lane', () => {
  it('an invitation between signed-in users goes through while sign-ins and list reads wait; each connection keeps its order', async () => {
    const h = heldLane();
    // Heartbeats far apart: one queued mid-test would change the lane's counts this test waits for.
    srv = await startTestServer(['alice', 'bob', 'carol'], { heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 180_000 }, SYSTEM_CLOCK, { lane: h.lane });
    const alice = await connect(srv.url, 'alice');
    const bob = await connect(srv.url, 'bob');
    clients.push(alice, bob);
    // Their apps' own sign-in reads are sent by now; a heartbeat starts after them (order per connection), so its answer says they ran.
    await Promise.all([alice.sig.request('heartbeat', {}), bob.sig.request('heartbeat', {})]);
    expect(h.lane.length).toBe(0);

    h.hold();
    const done: string[] = [];
    // A newcomer's sign-in, and a list read of Alice's: both wait in the lane.
    const carol = connect(srv.url, 'carol').then((c) => {
      clients.push(c);
      done.push('carol signed in');
    });
    const search = alice.sig.request('directorySearch', { query: 'car', limit: 10 }).then(() => done.push('alice search'));
    const searchFirst = search.then(() => done.includes('alice accept'));
    await until(() => h.lane.length === 2, undefined, 'the sign-in and the search queued');

    // Bob has nothing queued: his invitation runs at once, and Alice is rung while her search waits.
    const { call } = await bob.calls.callInvite([alice.userId]);
    await until(() => alice.heard.includes('callInvitationReceived'), undefined, 'alice rung');
    // Her app acks the invitation at once, and the ack, a calling request, waits behind her own search.
    await until(() => h.lane.length === 3, undefined, "alice's ack queued behind her search");
    expect(done).toEqual([]);

    // So does her answer: it never overtakes what she sent before it.
    const accept = alice.calls.callAccept(call.callID).then(() => done.push('alice accept'));
    await until(() => h.lane.length === 4, undefined, "alice's accept queued");

    h.release();
    await Promise.all([carol, search, accept]);
    expect(done.sort()).toEqual(['alice accept', 'alice search', 'carol signed in']);
    expect(await searchFirst).toBe(false); // the search was answered before the accept
    expect(h.lane.length).toBe(0);
  });
});
