import { describe, expect, it } from 'vitest';
import { percentile, percentileSorted } from '../../bench/percentile.ts';
import { pct } from '../../bench/results.ts';

describe('nearest-rank percentile (bench/percentile.ts)', () => {
  it.each([
    // Known vectors (nearest-rank method; the first three are the textbook examples).
    [[15, 20, 35, 40, 50], [[5, 15], [30, 20], [40, 20], [50, 35], [100, 50]]],
    [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], [[25, 7], [50, 8], [75, 15], [100, 20]]],
    [[3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], [[25, 7], [50, 9], [75, 15], [100, 20]]],
    // 20 samples: p95 is the 19th, not the maximum (what bench/results.ts's old pct reported).
    [Array.from({ length: 20 }, (_, i) => i + 1), [[95, 19], [50, 10], [99, 20], [0, 1]]],
    // 100 samples: floating point must not push rank 7 to 8, nor rank 57 to 58.
    [Array.from({ length: 100 }, (_, i) => i + 1), [[7, 7], [57, 57], [99, 99], [1, 1]]],
    [[42], [[0, 42], [50, 42], [100, 42]]],
  ] as const)('%j', (xs, cases) => {
    for (const [p, want] of cases) expect([p, percentileSorted(xs, p)]).toEqual([p, want]);
  });

  it('sorts a copy for unsorted input, is NaN for no samples, refuses p outside 0..100', () => {
    const xs = [50, 15, 40, 20, 35];
    expect(percentile(xs, 50)).toBe(35);
    expect(xs).toEqual([50, 15, 40, 20, 35]);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it("bench/results.ts's pct is the same function", () => {
    const xs = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(pct(xs, 95)).toBe(19);
    expect(pct(xs, 95)).toBe(percentile(xs, 95));
  });
});
