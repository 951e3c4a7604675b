import { describe, expect, it } from 'vitest';
import { planUsers } from '../../bench/cluster/plan.ts';

/** The caller nodes of the first `n` pairs each worker's schedule would send (it walks its pairs in order). */
function firstCallerNodes(plan: ReturnType<typeof planUsers>, n: number): number[][] {
  return plan.workers.map((w) => Array.from({ length: Math.min(n, w.pairs) }, (_, i) => w.nodeOf[2 * i] as number));
}

describe('bench:cluster user plan', () => {
  it('puts every caller and invitee on different nodes, each user once', () => {
    const plan = planUsers(30_000, 3, 3, 500);
    expect(plan.crossNodePairs).toBe(plan.pairs);
    const all = plan.workers.flatMap((w) => w.users);
    expect(new Set(all).size).toBe(all.length);
    for (const w of plan.workers) {
      for (let i = 0; i < w.pairs; i++) {
        const [caller, invitee] = [w.users[2 * i] as number, w.users[2 * i + 1] as number];
        expect(w.nodeOf[2 * i]).toBe(Math.floor(caller / 10_000));
        expect(w.nodeOf[2 * i + 1]).toBe(Math.floor(invitee / 10_000));
        expect(w.nodeOf[2 * i]).not.toBe(w.nodeOf[2 * i + 1]);
      }
    }
  });

  it('spreads a short window\'s invitations over every node, not node 1\'s callers first', () => {
    const plan = planUsers(30_000, 3, 3, 500);
    // The workers send at once, 100 invitations each is 0.6 s at 500/s: each node must send about a third of them.
    const nodes = firstCallerNodes(plan, 100).flat();
    for (const n of [0, 1, 2]) expect(nodes.filter((x) => x === n).length).toBeGreaterThanOrEqual(90);
  });

  it('with one node, pairs stay within it', () => {
    const plan = planUsers(10_000, 1, 2, 100);
    expect(plan.crossNodePairs).toBe(0);
    expect(plan.workers.every((w) => w.nodeOf.every((n) => n === 0))).toBe(true);
  });
});
