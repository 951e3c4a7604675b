// A database as the previous release left it, for both stores' migration tests (server/store/*.test.ts):
// the rows are written with plain SQL both dialects accept, and the same checks run on each store once
// it has upgraded the database. Rolling upgrades (docs/deployment-server.md) open exactly such a database.
import { expect } from 'vitest';
import { buildRecord, type Call } from '../../src/shared/call/index.ts';
import { alice, b1, bob, ok, step, T0 } from '../../src/shared/call/testkit.ts';
import type { Migration } from '../../server/store/sqliteMigrations.ts';
import { encodeCall } from '../../server/store/callCodec.ts';
import type { Store } from '../../server/store/Store.ts';
import { newCall } from './storeContractKit.ts';

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Every step but the last, and the version they leave: the schema the previous release ran on. */
export function previousSchema(migrations: readonly Migration[]): { sql: string; version: number } {
  const before = migrations.slice(0, -1);
  const version = before.at(-1)?.version;
  if (version === undefined) throw new Error('there is no previous schema: only one migration');
  return { sql: before.map((m) => m.sql).join('\n'), version };
}

export interface PreviousRows {
  /** INSERTs of two users, a ringing call, an ended call with its record, and a favorite. */
  sql: string;
  /** What the upgraded store must still answer, and that a cluster node can take the old call over. */
  check(store: Store): Promise<void>;
}

export function previousRows(): PreviousRows {
  const ringing = newCall(bob);
  const ended = ok(step(newCall(bob), { type: 'memberLost', userId: alice })).call;
  const record = buildRecord(ended);
  if (!record) throw new Error('an ended call has a record');
  const callRows = (c: Call, seq: number): string =>
    `INSERT INTO calls (seq, call_id, call_state, created_at, body) VALUES (${seq}, ${q(c.callID)}, ${q(c.callState)}, ${c.createdAt}, ${q(encodeCall(c))});` +
    c.members.map((m) => `INSERT INTO call_members (user_id, call_id, seq) VALUES (${q(m.userId)}, ${q(c.callID)}, ${seq});`).join('\n');
  const sql = [
    `INSERT INTO users (user_id, display_name, password_hash, created_at) VALUES ('alice', 'Alice Ng', 'h', ${T0}), ('bob', 'Bob Søby', 'h', ${T0});`,
    callRows(ended, 1),
    `INSERT INTO call_records (call_id, ended_at, body) VALUES (${q(ended.callID)}, ${record.endedAt}, ${q(JSON.stringify(record))});`,
    callRows(ringing, 2),
    `INSERT INTO favorites (user_id, favorite_id, added_at) VALUES ('alice', 'bob', ${T0});`,
  ].join('\n');

  return {
    sql,
    async check(store) {
      expect(await store.getCall(ringing.callID)).toEqual(ringing);
      expect((await store.startedCalls()).map((c) => c.callID)).toEqual([ringing.callID]);
      expect((await store.listCallsFor(bob, 10, 0)).calls.map((c) => c.callID)).toEqual([ringing.callID, ended.callID]);
      expect((await store.listRecordsFor(bob, 10, 0)).records).toEqual([record]);
      expect((await store.listFavorites(alice, null, 10)).users.map((u) => u.userId)).toEqual([bob]);
      expect((await store.searchDirectory(['soby'], null, 10)).users.map((u) => u.userId)).toEqual([bob]);
      // The step this release adds: a call stored before it has no owner, and a node can claim it and save under its fence.
      expect(await store.orphanedCalls(['n1'], 10)).toEqual([{ callID: ringing.callID, ownerNode: null }]);
      const claimed = await store.claimCall(ringing.callID, 'n1');
      expect(claimed?.call).toEqual(ringing);
      const fence = { epoch: claimed?.epoch ?? -1, node: 'n1' };
      const accepted = ok(step(ringing, { type: 'accept', by: bob, device: b1, extendedData: '' })).call;
      expect(await store.saveCalls([{ call: accepted, record: null, fence }])).toEqual({ fenced: [] });
      expect(await store.saveCalls([{ call: accepted, record: null, fence: { epoch: fence.epoch - 1, node: 'n0' } }])).toEqual({ fenced: [ringing.callID] });
    },
  };
}
