import { describe, expect, it } from 'vitest';
import { start } from '../../src/shared/call/testkit.ts';
import { asCallId } from '../../src/shared/protocol/index.ts';
import { CallFencedError, GroupCommit } from './GroupCommit.ts';
import type { CallSave } from './Store.ts';

/** A scheduler the test fires by hand: "the end of the tick" is when the test says so. */
function manualTick(): { schedule: (f: () => void) => void; fire: () => void; armed: () => number } {
  let queued: (() => void)[] = [];
  return {
    schedule: (f) => void queued.push(f),
    fire: () => {
      const q = queued;
      queued = [];
      for (const f of q) f();
    },
    armed: () => queued.length,
  };
}

let next = 0;
const calls = (n: number) => Array.from({ length: n }, () => ({ ...start('normal').call, callID: asCallId(`call-${++next}`) }));

describe('GroupCommit', () => {
  it('the saves of one tick go to the store as one batch, in the order they were made, and resolve after it', async () => {
    const batches: CallSave[][] = [];
    const tick = manualTick();
    const gc = new GroupCommit({ saveCalls: async (b) => void batches.push([...b]) }, tick.schedule);
    const cs = calls(5);
    let resolved = 0;
    const ps = cs.map((c) => gc.save(c, null).then(() => resolved++));
    expect(tick.armed()).toBe(1); // one flush for the whole tick
    await Promise.resolve();
    expect(resolved).toBe(0); // nothing resolves before the batch ran
    tick.fire();
    await Promise.all(ps);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((s) => s.call.callID)).toEqual(cs.map((c) => c.callID));
    expect(gc.stats).toEqual({ batches: 1, saves: 5, largest: 5 });
  });

  it('a failing batch rejects every save in it with the store error; the next batch runs normally', async () => {
    const tick = manualTick();
    let fail = true;
    const committed: string[] = [];
    const gc = new GroupCommit(
      {
        saveCalls: async (b) => {
          if (fail) throw new Error('disk I/O error');
          committed.push(...b.map((s) => s.call.callID));
        },
      },
      tick.schedule,
    );
    const cs = calls(3);
    const results = cs.map((c) => gc.save(c, null).then(() => 'ok', (e: Error) => e.message));
    tick.fire();
    expect(await Promise.all(results)).toEqual(['disk I/O error', 'disk I/O error', 'disk I/O error']);
    fail = false;
    const [later] = calls(1);
    const p = gc.save(later!, null);
    tick.fire();
    await p;
    expect(committed).toEqual([later!.callID]);
  });

  it('with an asynchronous store, saves made while a batch commits form the next batch (one transaction in flight)', async () => {
    const tick = manualTick();
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const gc = new GroupCommit(
      {
        saveCalls: (b) => {
          sizes.push(b.length);
          return new Promise<void>((r) => (release = r));
        },
      },
      tick.schedule,
    );
    const first = gc.save(calls(1)[0]!, null);
    tick.fire();
    expect(sizes).toEqual([1]);
    const more = calls(4).map((c) => gc.save(c, null));
    expect(tick.armed()).toBe(0); // waits for the commit in flight
    release();
    await first;
    expect(tick.armed()).toBe(1);
    tick.fire();
    release();
    await Promise.all(more);
    expect(sizes).toEqual([1, 4]);
  });

  it('cluster mode: fences travel with their saves, and a save the store fenced fails alone while the rest of the batch resolves', async () => {
    const batches: CallSave[][] = [];
    const tick = manualTick();
    const [a, b] = calls(2);
    if (!a || !b) throw new Error('two calls');
    const gc = new GroupCommit(
      {
        saveCalls: async (batch) => {
          batches.push([...batch]);
          return { fenced: [b.callID] };
        },
      },
      tick.schedule,
    );
    const pa = gc.save(a, null, { epoch: 3, node: 'n1' });
    const pb = gc.save(b, null, { epoch: 1, node: 'n1' });
    tick.fire();
    await expect(pa).resolves.toBeUndefined();
    await expect(pb).rejects.toBeInstanceOf(CallFencedError);
    expect(batches[0]?.map((s) => s.fence)).toEqual([{ epoch: 3, node: 'n1' }, { epoch: 1, node: 'n1' }]);
  });
});
