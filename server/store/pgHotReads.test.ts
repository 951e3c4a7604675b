import { describe, expect, it } from 'vitest';
import { avail, bob, carol, dave, start } from '../../src/shared/call/testkit.ts';
import { asCallId, asUserId } from '../../src/shared/protocol/index.ts';
import { encodeCall } from './callCodec.ts';
import { PgHotReads } from './pgHotReads.ts';

const DND_OFF = '{"enabled":false,"allowList":[]}';
const userRow = (id: string) => ({ k: 'u', seq: null, body: null, user_id: id, display_name: id.toUpperCase(), password_hash: 'h', disabled: false, created_at: 1, tokens_after: 0, dnd: DND_OFF });

describe('PgHotReads', () => {
  it("one statement for a turn's user rows and started calls, each caller given its own", async () => {
    const withBob = start('normal', avail(bob)).call; // alice calls bob
    const withDave = { ...start('normal', avail(dave)).call, callID: asCallId('call-dave') }; // alice calls dave
    const statements: unknown[][] = [];
    const reads = new PgHotReads(
      {
        query: (async (_sql: string, params: unknown[]) => {
          statements.push(params);
          const callRow = (c: typeof withBob, seq: number) => ({ k: 'c', seq, body: encodeCall(c), user_id: c.callID });
          return { rows: [userRow('bob'), userRow('carol'), callRow(withBob, 1), callRow(withDave, 2)] };
        }) as never, // the fake answers only what PgHotReads asks
      },
      100,
    );
    const [b, c, nobody, bobsCalls, carolsCalls] = await Promise.all([
      reads.user(bob),
      reads.user(carol),
      reads.user(asUserId('nobody')),
      reads.startedCallsOf([bob]),
      reads.startedCallsOf([carol, dave]),
    ]);
    expect(statements).toEqual([[['bob', 'carol', 'nobody'], ['bob', 'carol', 'dave']]]); // one statement, both kinds of keys
    expect(b?.displayName).toBe('BOB');
    expect(c?.displayName).toBe('CAROL');
    expect(nobody).toBeUndefined();
    expect(bobsCalls.map((x) => x.callID)).toEqual([withBob.callID]); // the batch's other call is not bob's
    expect(carolsCalls.map((x) => x.callID)).toEqual([withDave.callID]);
  });
});
