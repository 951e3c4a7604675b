import { describe, expect, it } from 'vitest';
import { RequestLane } from './RequestLane.ts';

/** A lane on a hand-moved clock whose turns run when the test says; each start costs `cost` ms of that clock. */
function lane(budgetMs: number, cost = 1): { lane: RequestLane; turns: (() => void)[]; started: number[]; push(n: number): void; clock: { t: number } } {
  const clock = { t: 0 };
  const turns: (() => void)[] = [];
  const started: number[] = [];
  const l = new RequestLane({ budgetMs, now: () => clock.t, schedule: (fn) => turns.push(fn) });
  return {
    lane: l,
    turns,
    started,
    clock,
    push(n) {
      for (let i = 0; i < n; i++) {
        const id = started.length + l.length;
        l.push(() => {
          started.push(id);
          clock.t += cost;
        });
      }
    },
  };
}

describe('RequestLane', () => {
  it('starts nothing in the pushing turn, then in order, at most a budget of work per turn', () => {
    const x = lane(5);
    x.push(12);
    expect(x.started).toEqual([]);
    expect(x.turns).toHaveLength(1); // one turn scheduled, however many were pushed
    x.turns.shift()?.();
    expect(x.started).toEqual([0, 1, 2, 3, 4]);
    expect(x.turns).toHaveLength(1); // the rest in a later turn, after I/O
    x.turns.shift()?.();
    x.turns.shift()?.();
    expect(x.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(x.turns).toHaveLength(0);
    expect(x.lane.length).toBe(0);
  });

  it('starts at least one per turn, even when one start costs more than the budget', () => {
    const x = lane(5, 20);
    x.push(3);
    x.turns.shift()?.();
    expect(x.started).toEqual([0]);
    x.turns.shift()?.();
    expect(x.started).toEqual([0, 1]);
  });

  it('reports how long the oldest queued start has waited', () => {
    const x = lane(5);
    expect(x.lane.waitMs).toBe(0);
    x.push(1);
    x.clock.t += 40;
    x.push(1);
    x.clock.t += 10;
    expect(x.lane.waitMs).toBe(50);
    x.turns.shift()?.();
    expect(x.lane.length).toBe(0);
    expect(x.lane.waitMs).toBe(0);
  });

  it('a start that throws does not stall the ones behind it', () => {
    const x = lane(5);
    x.lane.push(() => {
      throw new Error('boom');
    });
    x.push(2);
    x.turns.shift()?.();
    expect(x.started).toEqual([1, 2]);
  });
});
