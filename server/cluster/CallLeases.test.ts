// CallLeases against a real Redis (started here) and a store with fencing epochs (SQLite: the same
// claim and fence semantics as Postgres, see test/support/storeContractOwnership.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { newCall } from '../../test/support/storeContractKit.ts';
import { startTestRedis, type TestRedis } from '../../test/support/redis.ts';
import { SqliteStore } from '../store/sqliteStore.ts';
import { CallLeases } from './CallLeases.ts';
import { ClusterBus } from './ClusterBus.ts';
import { RouteTable } from './RouteTable.ts';

let redis: TestRedis;
let dir: string;
let store: SqliteStore;
let bus: ClusterBus;
let leases: CallLeases;

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'ringdesk-leases-'));
  store = new SqliteStore(join(dir, 'db.sqlite'));
  bus = new ClusterBus(redis.url, 'n2', 'a-test-secret-of-enough-length-0123456789');
  await bus.start();
  const routes = new RouteTable(bus, 4000);
  await routes.heartbeat();
  leases = new CallLeases({ bus, store, routes, leaseMs: 4000, forwardTimeoutMs: 2000 });
}, 60_000);
afterAll(async () => {
  leases?.close();
  await bus?.close();
  await store?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CallLeases', () => {
  it('requests that locate one orphaned call at once claim it once: one epoch, one adoption', async () => {
    const call = newCall(asUserId('bob'));
    // Made by node n1, which died (its lease ran out; it is not alive in the route table).
    await store.saveCalls([{ call, record: null, fence: { epoch: 1, node: 'n1' } }]);
    const found = await Promise.all([leases.locate(call.callID), leases.locate(call.callID), leases.locate(call.callID)]);
    for (const p of found) expect(p).toMatchObject({ here: true, fence: { epoch: 2, node: 'n2' } });
    // Only the first adopts (loads and arms) the call; the others run their op on it.
    expect(found.filter((p) => p.here && p.claimed !== null)).toHaveLength(1);
    expect(leases.fenceOf(call.callID)?.epoch).toBe(2);
    expect((await store.claimCall(call.callID, 'probe'))?.epoch).toBe(3); // the store saw one claim before this probe
  });
});
