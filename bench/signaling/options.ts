// The command line of bench/signaling.ts: its usage text, flags and defaults, parsed into Options
// (--storm and --sign-in-steps select the connect-storm mode, bench/storm.ts).
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LOAD_FLAGS, numFlag, parseServerConfig } from '../main.ts';
import { ROOT } from '../processes.ts';
import { parseSignInSteps } from '../signin.ts';

export const USAGE = `usage: npm run bench:signaling -- [options]
  --users N        users connected during the latency phase, in caller/invitee pairs (default 2000)
  --rate R         invitations per second, open loop (default 500)
  --duration S     seconds of measured load (default 10)
  --warmup S       seconds of unmeasured load first, same rate (default 2)
  --idle N         authenticated idle connections for the memory phase (default: --users)
  --steps K        memory checkpoints while ramping up to --idle (default 4)
  --workers W      client processes (default: number of CPUs, at most 4)
  --concurrency C  connections being opened at once per client process (default 64)
  --churn R        sign-outs per second during the measured window, each signing in again 1 s later (default 5)
  --churn-pool N   users outside the pairs that churn (default min(500, users/10); part of --users)
  --server-root D  run the server of another checkout (e.g. a baseline), same bench clients (default: this one)
  --server-node-flags F  node/V8 flags for the server process, space-separated, e.g. '--max-semi-space-size=16'
                   (to see what a GC setting changes; the default is the server as deployed)
  --server-config J  JSON merged over the bench's server config, e.g. '{"admission":{"maxPendingSignIns":256}}'
  --baseline on|off  after the measured phase, the same load against a bare relay (bench/bare/relay.ts),
                   the floor the server's latency is compared with (default on)
  --storm LIST     connect-storm mode instead: e.g. 2500,5000,10000,19500 users connecting at once (bench/storm.ts)
  --sign-in-steps L  storm mode: only these of the app's sign-in steps after the resume ("none": the resume alone),
                   to see what each costs the server; no target verdict then (default: all of them)
  --out PATH       where to write the JSON (default bench/results/signaling-<timestamp>.json);
                   bench/results/signaling-latest.json is written too`;

export interface Options {
  users: number;
  rate: number;
  durationS: number;
  warmupS: number;
  idle: number;
  steps: number;
  workers: number;
  concurrency: number;
  churn: number;
  churnPool: number;
  serverRoot: string;
  /** Extra flags for the server's node process (GC experiments); none by default, as deployed. */
  serverNodeFlags: string[];
  /** Merged over the bench's own server config (to compare settings, e.g. admission limits). */
  serverConfig: Record<string, unknown>;
  /** Measure the bare relay after the server, with the same clients and load (bench/bare/baseline.ts). */
  baseline: boolean;
  storm: number[] | null;
  /** Storm mode: the sign-in steps after the resume; null = all (bench/signin.ts parseSignInSteps). */
  signInSteps: string[] | null;
  out: string | null;
}

export function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...LOAD_FLAGS,
      duration: { type: 'string' },
      idle: { type: 'string' },
      steps: { type: 'string' },
      'churn-pool': { type: 'string' },
      'server-root': { type: 'string' },
      'server-node-flags': { type: 'string' },
      storm: { type: 'string' },
      baseline: { type: 'string' },
      'sign-in-steps': { type: 'string' },
    },
  });
  if (values.help) return null;
  const num = numFlag;
  if (values['sign-in-steps'] !== undefined && !values.storm) throw new Error('--sign-in-steps is for the storm mode (--storm): the latency phase always does the whole sign-in');
  const users = Math.floor(num(values.users, 2000, 'users', 2));
  if (values.baseline !== undefined && values.baseline !== 'on' && values.baseline !== 'off') throw new Error(`--baseline: "${values.baseline}" is neither on nor off`);
  return {
    users,
    rate: num(values.rate, 500, 'rate', 0.1),
    durationS: num(values.duration, 10, 'duration', 1),
    warmupS: num(values.warmup, 2, 'warmup', 0),
    idle: Math.floor(num(values.idle, users, 'idle', 1)),
    steps: Math.floor(num(values.steps, 4, 'steps', 1)),
    workers: Math.floor(num(values.workers, Math.max(1, Math.min(4, os.cpus().length)), 'workers', 1)),
    concurrency: Math.floor(num(values.concurrency, 64, 'concurrency', 1)),
    churn: num(values.churn, 5, 'churn', 0),
    churnPool: Math.min(users - 2, Math.floor(num(values['churn-pool'], Math.min(500, Math.floor(users / 10)), 'churn-pool', 0))),
    serverRoot: resolve(values['server-root'] ?? ROOT),
    serverNodeFlags: (values['server-node-flags'] ?? '').split(/\s+/).filter(Boolean),
    serverConfig: parseServerConfig(values['server-config']),
    baseline: values.baseline !== 'off',
    storm: values.storm ? values.storm.split(',').map((x) => Math.floor(num(x, 0, 'storm', 2))) : null,
    signInSteps: parseSignInSteps(values['sign-in-steps']),
    out: values.out ?? null,
  };
}
