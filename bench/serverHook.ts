// The IPC hook of a bench server process (bench/server-entry.ts, the real server; bench/bare/relay.ts,
// the bare floor): the orchestrator forces a full GC before reading RSS, and reads the event-loop delay
// and utilisation of the measured window, from loopReset to loopStats.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';
import type { ServerCommand, ServerLoopStats, ServerMemory } from './messages.ts';

/** The histogram records the time between its own timer ticks, so every sample includes this resolution: it is subtracted below. */
const RESOLUTION_MS = 10;
/** Mean bytes between allocation samples (V8's default is 32 KB): about 30,000 samples over a 10 s window at 50 MB/s. */
const HEAP_SAMPLING_BYTES = 16 * 1024;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incrementalMarking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
};
const sum = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) * 10) / 10;

/**
 * Answers the orchestrator's ServerCommands on the IPC channel. `profilePrefix`: with RINGDESK_BENCH_PROFILE=DIR,
 * a V8 CPU profile and an allocation profile of the measured window only (without the connect ramp that dominates a
 * whole-run `--cpu-prof`), written as DIR/<prefix>-<time>.cpuprofile and .heapprofile; read either with
 * `node bench/profile-summary.ts FILE`.
 */
export function installServerHook(profilePrefix: string): void {
  const forceGc = (globalThis as { gc?: () => void }).gc;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  // Garbage-collection pauses in the window, by kind: the loop-delay histogram shows that the loop stalled, these say whether GC did it.
  let gc: Record<string, number[]> = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      (gc[kind] ??= []).push(e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let eluStart: EventLoopUtilization = performance.eventLoopUtilization();
  const profileDir = process.env['RINGDESK_BENCH_PROFILE'];
  let profiler: Session | null = null;

  const startProfile = async (): Promise<void> => {
    if (!profileDir) return;
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    // Allocation sampling, keeping the samples of objects the GC has since collected: the GC pauses in the window
    // come from how much is allocated, and nearly all of it is short-lived, so live-objects-only would show little.
    await profiler.post('HeapProfiler.enable');
    // The two include flags are in V8's protocol but not yet in @types/node's copy of it.
    const sampling = { samplingInterval: HEAP_SAMPLING_BYTES, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
    await profiler.post('HeapProfiler.startSampling', sampling);
  };
  const stopProfile = async (): Promise<void> => {
    const s = profiler;
    if (!s || !profileDir) return;
    profiler = null;
    const { profile } = await s.post('Profiler.stop');
    const { profile: heap } = await s.post('HeapProfiler.stopSampling');
    const stamp = Date.now();
    const file = join(profileDir, `${profilePrefix}-${stamp}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const heapFile = join(profileDir, `${profilePrefix}-${stamp}.heapprofile`);
    writeFileSync(heapFile, JSON.stringify(heap));
    s.disconnect();
    console.error(`[bench] ${profilePrefix} profiles of the measured window: ${file} (CPU), ${heapFile} (allocations)`);
  };
  const reply = (rid: number, data: unknown): void => {
    process.send?.({ rid, ok: true, data });
  };

  process.on('message', (m: ServerCommand) => {
    switch (m.cmd) {
      case 'gc': {
        forceGc?.();
        const u = process.memoryUsage();
        const mem: ServerMemory = { rss: u.rss, heapTotal: u.heapTotal, heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers };
        reply(m.rid, { gcRan: forceGc !== undefined, mem });
        return;
      }
      case 'loopReset':
        delay.reset();
        gc = {};
        eluStart = performance.eventLoopUtilization();
        void startProfile().then(() => reply(m.rid, {}));
        return;
      case 'loopStats': {
        const s: ServerLoopStats = {
          p50Ms: Math.max(0, delay.percentile(50) / 1e6 - RESOLUTION_MS),
          p99Ms: Math.max(0, delay.percentile(99) / 1e6 - RESOLUTION_MS),
          maxMs: Math.max(0, delay.max / 1e6 - RESOLUTION_MS),
          utilization: performance.eventLoopUtilization(eluStart).utilization,
          gc: Object.fromEntries(Object.entries(gc).map(([k, d]) => [k, { count: d.length, totalMs: sum(d), maxMs: Math.max(...d), over5Ms: d.filter((x) => x > 5).length }])),
        };
        void stopProfile().then(() => reply(m.rid, s));
        return;
      }
    }
  });
}
