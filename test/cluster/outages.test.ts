// Redis and Postgres restarts under traffic. During each outage requests answer `unavailable` (Redis)
// or `storage_unavailable` (Postgres), never `internal`; no node exits; afterwards traffic flows
// again and every acknowledged invitation, accept and end is in Postgres. Redis restarts EMPTY (no persistence):
// routes, presence interests and leases must all be written again by the nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRingdeskError } from '../../src/shared/errors.ts';
import { asUserId, type CallId, type UserId } from '../../src/shared/protocol/index.ts';
import { EVENT_WAIT_MS, until } from '../integration/harness.ts';
import { connectTo, startTestCluster, type ClusterClient, type TestCluster } from './clusterKit.ts';

const PAIRS = 6;
const users = Array.from({ length: PAIRS }, (_, i) => [`p${i}`, `q${i}`]).flat();
let cluster: TestCluster;
const clients: ClusterClient[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({ users });
}, 400_000);
afterAll(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await cluster?.close();
});

/** What traffic saw: error codes by count, completed cycles, and what the cluster acknowledged. */
class Traffic {
  readonly codes = new Map<string, number>();
  readonly acknowledged = new Set<CallId>();
  /** Accepts the cluster answered: the callee of each. */
  readonly accepted = new Map<CallId, UserId>();
  /** Ends the cluster answered. */
  readonly ended = new Set<CallId>();
  cycles = 0;
  #stop = false;
  readonly #loops: Promise<void>[] = [];

  start(pairs: [ClusterClient, ClusterClient][]): void {
    for (const [caller, callee] of pairs) this.#loops.push(this.#loop(caller, callee));
  }

  async #step<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      const code = isRingdeskError(e) ? e.code : `non-ringdesk: ${String(e)}`;
      this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
      return { ok: false, code };
    }
  }

  /** Invite → accept → end, over and over; a failed step starts the next cycle (ending what it can). */
  async #loop(caller: ClusterClient, callee: ClusterClient): Promise<void> {
    const retryable = (code: string): boolean => code === 'unavailable' || code === 'storage_unavailable';
    while (!this.#stop) {
      const r = await this.#step(() => caller.sig.request('callInvite', { invitees: [callee.userId], timeout: 60 }));
      if (!r.ok) {
        await new Promise((ok) => setTimeout(ok, 50));
        continue;
      }
      const callID = r.value.call.callID;
      this.acknowledged.add(callID);
      if ((await this.#step(() => callee.sig.request('callAccept', { callID }))).ok) this.accepted.set(callID, callee.userId);
      // Keep ending while the cluster says "try again": a caller left in a call would be busy for the rest of the test.
      for (;;) {
        const end = await this.#step(() => caller.sig.request('callEnd', { callID }));
        if (end.ok) this.ended.add(callID);
        if (end.ok || !retryable(end.code) || this.#stop) break;
        await new Promise((ok) => setTimeout(ok, 100));
      }
      this.cycles++;
    }
  }

  count(code: string): number {
    return this.codes.get(code) ?? 0;
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await Promise.all(this.#loops);
  }
}

describe('Redis and Postgres restart under traffic', () => {
  it('requests answer unavailable / storage_unavailable during each outage, never internal; no node exits; nothing acknowledged is lost', async () => {
    const pairs: [ClusterClient, ClusterClient][] = [];
    for (let i = 0; i < PAIRS; i++) {
      // Caller and callee on different nodes: every accept is forwarded, every push crosses Redis.
      const caller = await connectTo(() => cluster.nodes[i % 3]?.url ?? '', `p${i}`);
      const callee = await connectTo(() => cluster.nodes[(i + 1) % 3]?.url ?? '', `q${i}`);
      clients.push(caller, callee);
      pairs.push([caller, callee]);
    }
    const traffic = new Traffic();
    traffic.start(pairs);
    try {
      await until(() => traffic.cycles >= 10, EVENT_WAIT_MS * 4, 'traffic before the outages').catch((e: unknown) => {
        throw new Error(`${String(e)}: ${traffic.cycles} cycles, codes ${JSON.stringify([...traffic.codes])}\n${cluster.problems()}`);
      });

      await cluster.redis.kill();
      await until(() => traffic.count('unavailable') >= 3, EVENT_WAIT_MS * 4, 'requests answering unavailable while Redis is down');
      await cluster.redis.start();
      let before = traffic.cycles;
      await until(() => traffic.cycles >= before + 10, EVENT_WAIT_MS * 8, 'traffic after Redis came back (empty)');

      await cluster.postgres.kill();
      await until(() => traffic.count('storage_unavailable') >= 3, EVENT_WAIT_MS * 4, 'requests answering storage_unavailable while Postgres is down');
      await cluster.postgres.start();
      before = traffic.cycles;
      await until(() => traffic.cycles >= before + 10, EVENT_WAIT_MS * 8, 'traffic after Postgres came back');
    } finally {
      await traffic.stop();
    }
    console.log(`outages: ${traffic.cycles} cycles, ${traffic.acknowledged.size} acknowledged invitations, error codes ${JSON.stringify([...traffic.codes])}`);
    expect(traffic.count('internal')).toBe(0);
    expect([...traffic.codes.keys()].filter((c) => c.startsWith('non-ringdesk'))).toEqual([]);
    expect(cluster.nodes.every((n) => n.up), `a node exited:\n${cluster.problems(40)}`).toBe(true);
    // Every answer the cluster gave stands in Postgres: each invitation, each accept, each end (with its record).
    const lost: string[] = [];
    for (const callID of traffic.acknowledged) {
      const call = await cluster.store.getCall(callID);
      if (!call) lost.push(`invitation ${callID}`);
      const callee = traffic.accepted.get(callID);
      if (callee && call?.members.find((m) => m.userId === callee)?.state !== 'accepted') lost.push(`accept of ${callID}`);
      if (traffic.ended.has(callID) && (call?.callState !== 'ended' || !(await cluster.store.getRecord(callID)))) lost.push(`end of ${callID}`);
    }
    console.log(`outages: ${traffic.acknowledged.size} invitations, ${traffic.accepted.size} accepts, ${traffic.ended.size} ends acknowledged; ${lost.length} lost`);
    expect(lost).toEqual([]);
    expect(traffic.accepted.size).toBeGreaterThan(0);
    expect(traffic.ended.size).toBeGreaterThan(0);
    // After both outages a fresh sign-in on every node and a call across nodes still work.
    const late = await connectTo(() => cluster.nodes[2]?.url ?? '', 'p0', 'p0-late');
    clients.push(late);
    const r = await late.sig.request('queryActiveCalls', {});
    expect(Array.isArray(r.calls)).toBe(true);
    expect(asUserId('p0')).toBe(late.userId);
  }, 600_000);
});
