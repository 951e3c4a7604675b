import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqliteStore.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'ringdesk-wal-')), 'db.sqlite');
/** Each autocommitted write appends at least one frame (page) to the WAL: past SQLite's default threshold of 1,000. */
const WRITES = 1500;

const open: SqliteStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function writeMany(s: SqliteStore): Promise<void> {
  for (let i = 0; i < WRITES; i++) await s.setMeta(`k${i % 10}`, `value ${i}`);
}

describe('background WAL checkpoints (WalCheckpointer)', () => {
  it('the writer leaves the checkpoint to the thread: the WAL keeps every frame until the thread copies all of them back', async () => {
    // An interval that never fires within the test: the checkpoint runs when asked.
    const s = new SqliteStore(path(), { backgroundCheckpointMs: 3_600_000 });
    open.push(s);
    await writeMany(s);
    const r = await s.checkpointer?.runNow();
    // With SQLite's automatic checkpoint at 1,000 pages the writer would have copied and restarted the WAL: fewer frames.
    expect(r?.log).toBeGreaterThanOrEqual(WRITES);
    expect(r?.checkpointed).toBe(r?.log);
    expect(r?.busy).toBe(0);
    expect(s.checkpointer?.stats.failures).toBe(0);
  });

  it('without it, the writer checkpoints by itself as before, and the data reads back either way', async () => {
    const plain = new SqliteStore(path());
    open.push(plain);
    expect(plain.checkpointer).toBeNull();
    const p = path();
    const bg = new SqliteStore(p, { backgroundCheckpointMs: 5 });
    await writeMany(plain);
    await writeMany(bg);
    await bg.checkpointer?.stop();
    await bg.checkpointer?.stop(); // twice is fine
    expect(await bg.checkpointer?.runNow()).toBeNull(); // a stopped thread answers at once, never hangs
    await bg.close();
    const again = new SqliteStore(p);
    open.push(again);
    expect(await again.getMeta('k9')).toBe(`value ${WRITES - 1}`);
    expect(await plain.getMeta('k9')).toBe(`value ${WRITES - 1}`);
  });
});
