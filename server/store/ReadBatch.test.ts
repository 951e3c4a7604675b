import { describe, expect, it } from 'vitest';
import { ReadBatch } from './ReadBatch.ts';

/** A scheduler the test runs by hand, and a read that records each statement's keys. */
function kit(maxKeys = 100, fail = false) {
  const flushes: (() => void)[] = [];
  const statements: number[][] = [];
  const batch = new ReadBatch<number, { k: number }>(
    async (keys) => {
      statements.push(keys);
      if (fail) throw new Error('database down');
      return keys.filter((k) => k % 2 === 0).map((k) => ({ k }));
    },
    { maxKeys, schedule: (f) => void flushes.push(f) },
  );
  const runScheduled = (): void => {
    for (const f of flushes.splice(0)) f();
  };
  return { batch, statements, runScheduled };
}

describe('ReadBatch', () => {
  it('reads asked for in one turn go out as one statement over the union of their keys', async () => {
    const { batch, statements, runScheduled } = kit();
    const a = batch.read([1, 2]);
    const b = batch.read([2, 4]);
    const c = batch.read([6]);
    expect(statements).toEqual([]); // nothing before the turn ends
    runScheduled();
    const rows = await Promise.all([a, b, c]);
    expect(statements).toEqual([[1, 2, 4, 6]]);
    for (const r of rows) expect(r).toEqual([{ k: 2 }, { k: 4 }, { k: 6 }]);
    // The next turn's reads are a new statement.
    const d = batch.read([8]);
    runScheduled();
    expect(await d).toEqual([{ k: 8 }]);
    expect(statements).toHaveLength(2);
  });

  it('a request that would pass maxKeys starts the next statement; nothing is asked for twice in one', async () => {
    const { batch, statements, runScheduled } = kit(3);
    const a = batch.read([1, 2]);
    const b = batch.read([3, 4]); // 4 keys: a goes out first
    expect(statements).toEqual([[1, 2]]);
    runScheduled();
    await Promise.all([a, b]);
    expect(statements).toEqual([[1, 2], [3, 4]]);
  });

  it('a failed statement fails every request in it, and the next turn reads again', async () => {
    const { batch, runScheduled } = kit(100, true);
    const a = batch.read([1]);
    const b = batch.read([2]);
    runScheduled();
    await expect(a).rejects.toThrow('database down');
    await expect(b).rejects.toThrow('database down');
  });

  it('no keys: no statement', async () => {
    const { batch, statements, runScheduled } = kit();
    expect(await batch.read([])).toEqual([]);
    runScheduled();
    expect(statements).toEqual([]);
  });
});
