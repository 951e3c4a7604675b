// The WAL checkpointer's thread (WalCheckpointer.ts): its own connection to the database, running a
// PASSIVE checkpoint every `intervalMs`. Only node: imports, so it starts without any transform.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../src/shared/errors.ts';

interface Options {
  path: string;
  intervalMs: number;
}
const { path, intervalMs } = workerData as Options; // set by WalCheckpointer, the only creator of this worker

const db = new DatabaseSync(path);
// A writer never blocks a PASSIVE checkpoint for long; the wait only covers another checkpointer.
db.exec('PRAGMA busy_timeout = 1000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

function run(): void {
  try {
    // busy: 1 if another checkpointer held the lock; log: frames in the WAL; checkpointed: frames copied back.
    const r = checkpoint.get() as { busy: number; log: number; checkpointed: number }; // the pragma's fixed row
    parentPort?.postMessage({ type: 'checkpointed', busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort?.postMessage({ type: 'failed', message: errorMessage(e) });
  }
}

const timer = setInterval(run, intervalMs);
parentPort?.on('message', (m: unknown) => {
  if (m === 'run') run();
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
