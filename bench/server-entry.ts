// The server process of the benchmark: the real `server/index.ts serve` CLI, plus a small IPC hook so the
// orchestrator can force a full GC before reading RSS and read the event-loop delay/utilisation.
// Started by bench/signaling.ts as `node --expose-gc bench/server-entry.ts serve --port 0 --db …` with an IPC channel.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { ServerCommand, ServerLoopStats, ServerMemory } from './messages.ts';

const gc = (globalThis as { gc?: () => void }).gc;
/** The histogram records the time between its own timer ticks, so every sample includes this resolution: it is subtracted below. */
const RESOLUTION_MS = 10;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
let eluStart: EventLoopUtilization = performance.eventLoopUtilization();

/**
 * RINGDESK_BENCH_PROFILE=DIR: a V8 CPU profile of the measured window only (from loopReset to
 * loopStats), without the connect ramp that dominates a whole-run `--cpu-prof`. Read it with
 * `node bench/profile-summary.ts DIR/server-window-*.cpuprofile`.
 */
const profileDir = process.env['RINGDESK_BENCH_PROFILE'];
let profiler: Session | null = null;
async function startProfile(): Promise<void> {
  if (!profileDir) return;
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
async function stopProfile(): Promise<void> {
  const s = profiler;
  if (!s || !profileDir) return;
  profiler = null;
  const { profile } = await s.post('Profiler.stop');
  const file = join(profileDir, `server-window-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  s.disconnect();
  console.error(`[bench] server profile of the measured window: ${file}`);
}

function reply(rid: number, data: unknown): void {
  process.send?.({ rid, ok: true, data });
}

process.on('message', (m: ServerCommand) => {
  switch (m.cmd) {
    case 'gc': {
      gc?.();
      const u = process.memoryUsage();
      const mem: ServerMemory = { rss: u.rss, heapTotal: u.heapTotal, heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers };
      reply(m.rid, { gcRan: gc !== undefined, mem });
      return;
    }
    case 'loopReset':
      delay.reset();
      eluStart = performance.eventLoopUtilization();
      void startProfile().then(() => reply(m.rid, {}));
      return;
    case 'loopStats': {
      const s: ServerLoopStats = {
        p50Ms: Math.max(0, delay.percentile(50) / 1e6 - RESOLUTION_MS),
        p99Ms: Math.max(0, delay.percentile(99) / 1e6 - RESOLUTION_MS),
        maxMs: Math.max(0, delay.max / 1e6 - RESOLUTION_MS),
        utilization: performance.eventLoopUtilization(eluStart).utilization,
      };
      void stopProfile().then(() => reply(m.rid, s));
      return;
    }
  }
});
// The orchestrator went away (crash, kill -9): shut down the way `serve` does on SIGTERM, so nothing is left behind.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

// Metrics stay on, as in production, but on a free port: two benches (or a server already running) never collide on 9464.
process.env['RINGDESK_METRICS_PORT'] ??= '0';
await import('../server/index.ts');
