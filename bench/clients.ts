// The client workers of bench:signaling (bench/client-worker.ts), started and driven as one set: the users
// dealt to workers with their caller/invitee pairs, connecting up to a count, and their stats. The app's
// server and the bare relay (bench/bare/baseline.ts) are measured with the same set-up.
import type { ConnectResult, WorkerStats } from './messages.ts';
import { Child, userName } from './processes.ts';

/** File descriptors a process needs beyond its sockets (modules, pipes, SQLite, epoll …). */
export const FD_MARGIN = 256;

/** Which users each worker holds (global indices). Pairs stay inside one worker (one clock for send and receive). */
export interface Assignment {
  users: number[][];
  /** Caller/invitee pairs over all workers: users 2k and 2k+1. */
  pairCount: number;
}

/** The first 2 × pairCount users in pairs, round-robin over the workers; the rest (idle, churn pool) dealt round-robin. */
export function assignUsers(total: number, pairCount: number, workers: number): Assignment {
  const users: number[][] = Array.from({ length: workers }, () => []);
  for (let k = 0; k < pairCount; k++) users[k % workers]?.push(2 * k, 2 * k + 1);
  for (let i = 2 * pairCount; i < total; i++) users[i % workers]?.push(i);
  return { users, pairCount };
}

export interface ClientSet {
  clients: Child[];
  pairsPerWorker: number[];
  connectTo(globalCount: number): Promise<ConnectResult[]>;
  stats(): Promise<WorkerStats[]>;
  openNow(): Promise<number>;
}

export interface ClientInit {
  url: string;
  secretHex: string;
  localAddresses: string[] | null;
  concurrency: number;
}

/** Starts one worker per entry of the assignment (pushed to `children` at once, for clean-up) and inits them. */
export async function startClients(a: Assignment, init: ClientInit, children: Child[], namePrefix = 'client'): Promise<ClientSet> {
  const perWorkerMax = Math.max(...a.users.map((u) => u.length));
  const clients = a.users.map((_, w) => new Child(`${namePrefix}-${w}`, 'bench/client-worker.ts', [], [], perWorkerMax + FD_MARGIN, process.env));
  children.push(...clients);
  const pairsPerWorker = a.users.map((u) => u.filter((i) => i < 2 * a.pairCount).length / 2);
  await Promise.all(clients.map((c, w) => c.call({ cmd: 'init', ...init, users: (a.users[w] ?? []).map(userName), pairCount: pairsPerWorker[w] ?? 0 }, 30_000)));
  const stats = (): Promise<WorkerStats[]> => Promise.all(clients.map((c) => c.call<WorkerStats>({ cmd: 'stats' }, 30_000)));
  return {
    clients,
    pairsPerWorker,
    connectTo: (globalCount) => Promise.all(clients.map((c, w) => c.call<ConnectResult>({ cmd: 'connect', count: (a.users[w] ?? []).filter((i) => i < globalCount).length }))),
    stats,
    openNow: async () => (await stats()).reduce((n, s) => n + s.open, 0),
  };
}

/** Clients first (they close their sockets), then the given servers. */
export async function stopAll(clients: Child[], servers: Child[]): Promise<void> {
  await Promise.all(clients.map((ch) => ch.call({ cmd: 'close' }, 15_000).catch(() => undefined)));
  await Promise.all(clients.map((ch) => ch.stop(5000)));
  await Promise.all(servers.map((ch) => ch.stop(10_000)));
}
