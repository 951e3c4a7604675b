/**
 * The one percentile every benchmark uses: nearest rank. For n samples sorted ascending, the p-th
 * percentile (0 < p ≤ 100) is the sample at rank ⌈p × n / 100⌉ (1-based); p = 0 gives the minimum.
 * Always an observed sample, never an interpolation. With 20 samples, p95 is the 19th (not the max).
 * NaN for no samples. `p × n` is computed before dividing so that e.g. p7 of 100 samples is rank 7,
 * not 8 (0.07 × 100 is 7.000000000000001 in floating point).
 */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(sorted.length, rank) - 1] as number; // 1 ≤ rank ≤ length
}

/** Same, for samples in any order (sorts a copy). */
export function percentile(samples: readonly number[], p: number): number {
  return percentileSorted([...samples].sort((a, b) => a - b), p);
}
