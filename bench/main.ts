// The command-line frame of the benchmark orchestrators (bench/signaling.ts, bench/cluster.ts): parse the
// flags, run, always clean up (also on Ctrl-C, SIGTERM and a throw past the run), write the JSON (a
// partial one on failure) and print. Exit codes: 0 ran (targets met or not), 1 could not run, 2 bad flags, 130 interrupted.
import type { Child } from './processes.ts';
import { errorMessage } from '../src/shared/errors.ts';

export interface BenchMain<O> {
  /** Prefix of the bench's log lines, e.g. `[bench]`. */
  tag: string;
  usage: string;
  /** Null for --help. Throws on a bad flag. */
  parse: (argv: string[]) => O | null;
  /** Another mode that does its own thing (the signaling bench's --storm); null = the normal run. */
  otherMode?: (o: O, argv: string[]) => Promise<number> | null;
  /** Fills `result` as it goes, so a failure still leaves what was measured. */
  run: (o: O, argv: string[], result: Record<string, unknown>) => Promise<void>;
  /** Stops everything the run started; called once, after the run (also a failed or interrupted one). */
  cleanUp: () => Promise<void>;
  /**
   * The child processes started so far. On Ctrl-C or SIGTERM they are stopped, so that whatever the run
   * awaits fails at once; the run then ends and cleanUp runs as after any failure. (Cleaning up from the
   * signal handler itself raced the run, which could still start a server after the cleanup, or exit
   * before Postgres had stopped.) On process exit, any still running is SIGKILLed.
   */
  children: () => readonly Child[];
  /** More last-resort work on process exit (synchronous only), e.g. removing temp directories. */
  onExit?: () => void;
  write: (result: Record<string, unknown>, o: O) => string;
  print: (result: Record<string, unknown>, path: string) => void;
}

export async function benchMain<O>(b: BenchMain<O>): Promise<number> {
  const argv = process.argv.slice(2);
  let o: O | null;
  try {
    o = b.parse(argv);
  } catch (e) {
    console.error(`${errorMessage(e)}\n${b.usage}`);
    return 2;
  }
  if (!o) {
    console.log(b.usage);
    return 0;
  }
  let interrupted = false;
  let inRun = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) {
      console.error(`${b.tag} ${sig} again: killing at once`);
      process.exit(130); // the exit handler below SIGKILLs the children
    }
    interrupted = true;
    console.error(`${b.tag} ${sig}: stopping everything this bench started (send it again to kill at once)`);
    void Promise.all(b.children().map((ch) => ch.stop(5000))).finally(() => {
      if (!inRun) process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // If something throws past the finally below: never leave a server or client behind.
  process.once('exit', () => {
    for (const ch of b.children()) if (!ch.exited) ch.proc.kill('SIGKILL');
    b.onExit?.();
  });

  const other = b.otherMode?.(o, argv);
  if (other) return other;
  inRun = true;
  const r: Record<string, unknown> = {};
  let failure: unknown = null;
  try {
    await b.run(o, argv, r);
  } catch (e) {
    failure = e;
  } finally {
    await b.cleanUp();
  }
  if (interrupted) {
    console.error(`${b.tag} interrupted; everything it started is stopped`);
    return 130;
  }
  if (failure) {
    console.error(`${b.tag} failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`);
    if (r['date']) {
      r['error'] = errorMessage(failure);
      console.error(`${b.tag} partial results: ${b.write(r, o)}`);
    }
    return 1;
  }
  b.print(r, b.write(r, o));
  return 0;
}

/** The orchestrator's last line: exit with benchMain's code. */
export function exitWith(p: Promise<number>): void {
  p.then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

/** A numeric flag: `def` when absent; a bad or too small value is an error naming the flag. */
export function numFlag(v: string | undefined, def: number, name: string, min: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got "${v}")`);
  return n;
}

/** `--server-config JSON`: an object merged over the bench's server config (the server validates its keys). */
export function parseServerConfig(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  const v: unknown = JSON.parse(json);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('--server-config must be a JSON object');
  return v as Record<string, unknown>; // checked just above
}

const text = { type: 'string' } as const;
/** The flags every load bench (bench:signaling, bench:cluster) takes, for node:util parseArgs; each adds its own. */
export const LOAD_FLAGS = {
  users: text,
  rate: text,
  warmup: text,
  workers: text,
  concurrency: text,
  churn: text,
  'server-config': text,
  out: text,
  help: { type: 'boolean', short: 'h' },
} as const;
