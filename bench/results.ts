import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './percentile.ts';

/** Every benchmark writes here: `<name>-<date>.json` and `<name>-latest.json` (git-ignored). */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

export const now = (): number => performance.timeOrigin + performance.now();
/**
 * The nearest-rank percentile (p in 0..100) of unsorted samples; NaN for no samples (bench/percentile.ts).
 * It used to index ⌊p·n/100⌋, one rank too high: with 20 samples its "p95" was the maximum.
 */
export const pct = percentile;
export const round = (x: number): number => Math.round(x * 10) / 10;

/**
 * Writes the timestamped JSON (or `out`) and, for a complete run, `<name>-latest.json`. A partial
 * run is kept under its own name so that it never passes for a finished one. Returns the path.
 */
export function writeResult(name: string, result: { date: string }, o: { out?: string | null; complete?: boolean } = {}): string {
  const complete = o.complete ?? true;
  const stamp = result.date.replace(/[:.]/g, '-');
  const path = o.out ? resolve(o.out) : join(RESULTS_DIR, `${name}-${stamp}${complete ? '' : '-incomplete'}.json`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  if (complete) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${name}-latest.json`), text);
  }
  return path;
}
