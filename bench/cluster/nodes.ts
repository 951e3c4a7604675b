// The signaling nodes of bench/cluster.ts: bench/server-entry.ts (the real `serve` CLI plus the bench's
// IPC hook for event-loop stats) in cluster mode, one child process per node, all on this machine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerLoopStats } from '../messages.ts';
import { Child, readFdLimit, readProcCpuSec, readProcMem, mb } from '../processes.ts';

export interface ClusterEnv {
  redisUrl: string;
  postgresUrl: string;
  clusterSecret: string;
  tokenSecretHex: string;
}

export interface BenchNode {
  id: string;
  child: Child;
  url: string;
  health(): Promise<{ connections: number }>;
}

/**
 * The bench's node config. Raised only where the default would refuse the load (as bench:signaling does);
 * no media workers (a signaling bench); each node's media relay on a free loopback port, as the nodes
 * share one host; no drain wait at the end (no calls are left by then, and stopping must not take 5 minutes).
 */
export function writeNodeConfig(dir: string, overrides: Record<string, unknown>): { path: string; config: Record<string, unknown> } {
  const config = {
    authTimeoutMs: 120_000,
    rateLimitPerSec: 1000,
    rateLimitBurst: 2000,
    drainTimeoutMs: 0,
    sfu: { enabled: false, cluster: { relayHost: '127.0.0.1', relayPort: 0 } },
    ...overrides,
  };
  const path = join(dir, 'node-config.json');
  writeFileSync(path, JSON.stringify(config));
  return { path, config };
}

/** Starts `ids.length` nodes at once; each may hold `files` open files (its sockets plus a margin). */
export async function startNodes(ids: string[], dir: string, configPath: string, env: ClusterEnv, files: number, track: (c: Child) => void): Promise<BenchNode[]> {
  return Promise.all(
    ids.map(async (id) => {
      // --db is never used in cluster mode (Postgres is the store).
      const child = new Child(id, 'bench/server-entry.ts', ['--expose-gc'], ['serve', '--port', '0', '--db', join(dir, `${id}.sqlite`)], files, {
        ...process.env,
        RINGDESK_SERVER_CONFIG: configPath,
        RINGDESK_TOKEN_SECRET: env.tokenSecretHex,
        RINGDESK_REDIS_URL: env.redisUrl,
        RINGDESK_POSTGRES_URL: env.postgresUrl,
        RINGDESK_CLUSTER_SECRET: env.clusterSecret,
        RINGDESK_CLUSTER_NODE_ID: id,
        RINGDESK_LOG: process.env['RINGDESK_LOG'] ?? 'warn',
      });
      track(child);
      const url = await child.readyUrl(120_000);
      const fd = readFdLimit(child.pid);
      if (fd && fd.soft < files) throw new Error(`node ${id}'s open-file limit is ${fd.soft} (hard ${fd.hard}) but it needs about ${files}: lower --users or add --nodes`);
      const http = url.replace(/^ws:/, 'http:').replace(/\/ws$/, '');
      const health = async (): Promise<{ connections: number }> => (await (await fetch(`${http}/healthz`)).json()) as { connections: number };
      return { id, child, url, health };
    }),
  );
}

export interface NodeWindow {
  id: string;
  cpuPercentOfOneCore: number;
  eventLoopUtilization: number;
  eventLoopDelayP99Ms: number;
  rssMB: number;
}

/** Per-node CPU (/proc/<pid>/stat) and event-loop figures over a window: call start(), then end(). */
export function nodeWindow(nodes: BenchNode[]): { start(): Promise<void>; end(): Promise<NodeWindow[]> } {
  let cpu0: number[] = [];
  let t0 = 0;
  return {
    async start() {
      await Promise.all(nodes.map((n) => n.child.call({ cmd: 'loopReset' })));
      cpu0 = nodes.map((n) => readProcCpuSec(n.child.pid));
      t0 = performance.now();
    },
    async end() {
      const sec = (performance.now() - t0) / 1000;
      const cpu = nodes.map((n) => readProcCpuSec(n.child.pid));
      const loops = await Promise.all(nodes.map((n) => n.child.call<ServerLoopStats>({ cmd: 'loopStats' })));
      return nodes.map((n, i) => ({
        id: n.id,
        cpuPercentOfOneCore: Math.round((((cpu[i] ?? 0) - (cpu0[i] ?? 0)) / sec) * 1000) / 10,
        eventLoopUtilization: Math.round((loops[i]?.utilization ?? Number.NaN) * 1000) / 1000,
        eventLoopDelayP99Ms: Math.round((loops[i]?.p99Ms ?? Number.NaN) * 100) / 100,
        rssMB: mb(readProcMem(n.child.pid).rssBytes),
      }));
    },
  };
}
