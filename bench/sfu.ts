#!/usr/bin/env node
// SFU benchmark: `npm run bench:sfu -- [--kind video,audio] [--transport webrtc,plain] [--steps …] [--out PATH]`.
// One real mediasoup worker pinned to core 0 forwards real RTP: ffmpeg streams a pre-encoded VP8 + Opus
// clip into two PlainTransport producers (bench/sfu/source.ts). Receivers are added step by step, for
// each kind and each transport in one run: `webrtc` receivers are WebRtcTransports on the worker's
// WebRtcServer with a real Chromium peer each (mediasoup-client; frames dropped before decode), `plain`
// ones PlainTransports with SRTP sending to nobody (bench/sfu/receivers.ts, bench/sfu/webrtc.ts). At
// each step the worker's CPU comes from /proc, and what the consumers sent and got back (RTCP) from the
// worker's own counters. Prints tables and writes bench/results/sfu-<timestamp>.json and sfu-latest.json.
// What is and is not measured: bench/README.md (SFU benchmark).
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Browser } from 'playwright-core';
import { MEDIA_CODECS } from '../server/sfu/mediaCodecs.ts';
import { defaultAnnouncedAddress } from '../server/sfu/WorkerPool.ts';
import { CHROMIUM, launchBrowser } from '../test/e2e/harness.ts';
import { writeResult } from './results.ts';
import { affinity, cpuSeconds, descendants, load, pin, treeCpu, treeCpuPct } from './sfu/proc.ts';
import { plainReceivers, type Receivers, type TransportKind } from './sfu/receivers.ts';
import { MEDIA, encodeClip, ingress, packetCount, startFfmpeg, workerBin } from './sfu/source.ts';
import { fit, flow, sample, type Flow } from './sfu/stats.ts';
import { hostPage, webrtcReceivers, type PageHost } from './sfu/webrtc.ts';
import { errorMessage } from '../src/shared/errors.ts';

/** The budget: a worker at 80% of its core still has room for bursts (keyframes, PLI storms, joins). */
const CPU_BUDGET = 80;
/** mediasoup's own guidance for one worker, to compare with. */
const GUIDANCE_CONSUMERS = 500;
/** Past this the worker is saturated: further steps measure only that. */
const SATURATED = 95;
type Kind = 'video' | 'audio' | 'both';
const DEFAULT_STEPS: Record<Kind, number[]> = {
  video: [0, 25, 50, 100, 150, 200, 250, 300],
  audio: [0, 50, 100, 200, 300, 400, 500, 600],
  both: [0, 25, 50, 100, 150, 200, 250, 300],
};

const USAGE = `usage: npm run bench:sfu -- [--kind video,audio] [--transport webrtc,plain] [--steps 0,25,50,…] [--window 5] [--warmup 3] [--per-page 100] [--out PATH]
  --kind       what each receiver consumes, one series each (comma-separated): video (one video consumer),
               audio (one audio consumer), both (audio + video: 2 consumers, and the 1:1-calls figure)
  --transport  receivers' transports, one series each: webrtc (WebRtcTransport + a Chromium peer that does
               ICE, DTLS, SRTP and RTCP but drops frames before decode), plain (PlainTransport with SRTP to nobody)
  --steps      receivers at each step (default per kind: video/both ${DEFAULT_STEPS.video.join(',')}, audio ${DEFAULT_STEPS.audio.join(',')})
  --window     seconds measured per step      --warmup  seconds before each measurement
  --per-page   WebRTC receivers per Chromium page (Chromium allows 500 RTCPeerConnections per renderer)
Linux only; needs ffmpeg, a mediasoup worker (MEDIASOUP_WORKER_BIN, or . scripts/setup-mediasoup.sh) and, for
webrtc, Debian's chromium (CHROMIUM_PATH). See bench/README.md: what is and is not measured.`;

interface Step extends Flow {
  receivers: number;
  consumers: number;
  workerCpuPct: number;
  /** Every Chromium process (core 1), over the same window. */
  chromiumCpuPct: number;
  /** Forwarded packets over what the consumers should send (receivers × the producers' ingress). */
  forwardedShare: number;
  ingressPacketsPerSec: number;
  /** Ingress fell below 90% of the first step's: ffmpeg did not keep up, so the step is left out of the fit. */
  ingressShort: boolean;
  /** WebRTC: encoded frames that reached the receivers' transforms, per second, and consumers that got none. */
  framesPerSec: number | null;
  consumersWithoutFrames: number | null;
  /** WebRTC: what Chromium's own stats say over the window (inbound-rtp, summed), per second. */
  chromium: Record<string, number> | null;
  /** Seconds it took to add this step's receivers (WebRTC: transport, SDP, ICE, DTLS). */
  setupSeconds: number;
  /** WebRTC: peers not in "connected" state when the window ended. */
  transportsNotConnected: number;
  load: number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const list = (s: string | undefined, fallback: string): string[] => (s ?? fallback).split(',').map((x) => x.trim());
const isKind = (x: string): x is Kind => x === 'video' || x === 'audio' || x === 'both';
const isTransport = (x: string): x is TransportKind => x === 'webrtc' || x === 'plain';

interface Bench {
  router: types.Router;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  video: types.Producer;
  audio: types.Producer;
  browser: () => Promise<{ browser: Browser; host: PageHost }>;
  sinkPort: number;
  ffmpegPid: number;
}

/** Chromium's processes: this process's descendants that are neither the worker nor ffmpeg. */
function chromiumPids(b: Bench): number[] {
  const comm = (p: number): string => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8');
    } catch {
      return ''; // gone since /proc was listed
    }
  };
  return descendants(process.pid).filter((p) => p !== b.worker.pid && p !== b.ffmpegPid && /chrom/i.test(comm(p)));
}

async function series(b: Bench, kind: Kind, transport: TransportKind, plan: number[], windowS: number, warmupS: number, perPage: number): Promise<{ steps: Step[]; stoppedBy: string | null }> {
  let stoppedBy: string | null = null;
  let receivers: Receivers;
  if (transport === 'plain') receivers = plainReceivers(b.router, b.sinkPort);
  else {
    const { browser, host } = await b.browser();
    receivers = webrtcReceivers({ browser, url: host.url, router: b.router, webRtcServer: b.webRtcServer, perPage });
  }
  const producers = kind === 'video' ? [b.video] : kind === 'audio' ? [b.audio] : [b.audio, b.video];
  const steps: Step[] = [];
  console.log(`\n${kind === 'both' ? 'audio + video' : `${kind}-only`} consumers on ${transport === 'webrtc' ? 'WebRTC transports (Chromium peers)' : 'PlainTransports with SRTP'} · load ${load().join(' ')}`);
  console.log('receivers  worker CPU  Chromium CPU  sent pkt/s  Mbit/s  share  no media  frames/s  with RR  feedback kbit/s  NACK/s  PLI/s  BWE Mbit/s');
  try {
    for (const target of plan) {
      const setupStart = performance.now();
      try {
        await receivers.add(target - receivers.transports.length, producers);
      } catch (e) {
        // Kept, printed and in the JSON: the steps before stand, and the next series still runs.
        stoppedBy = `adding receivers for step ${target}: ${errorMessage(e)}`;
        console.log(`           stopped: ${stoppedBy}`);
        break;
      }
      const setupSeconds = Math.round((performance.now() - setupStart) / 100) / 10;
      await sleep(warmupS * 1000);
      // Counters are read outside the CPU window: asking the worker for stats costs it CPU too.
      const ids = receivers.consumers.map((c) => c.id);
      const s0 = await sample(receivers.consumers, receivers.transports);
      const f0 = await receivers.framesSeen();
      const in0 = await receivers.chromiumInbound();
      const tIn0 = performance.now(); // Chromium's counters over their own interval, which spans the window
      const [v0, a0] = [await packetCount(b.video), await packetCount(b.audio)];
      const chromium = chromiumPids(b);
      const [c0, k0, t0] = [cpuSeconds(b.worker.pid), treeCpu(chromium), performance.now()];
      await sleep(windowS * 1000);
      const [c1, k1, t1] = [cpuSeconds(b.worker.pid), treeCpu(chromium), performance.now()];
      const [v1, a1] = [await packetCount(b.video), await packetCount(b.audio)];
      const f1 = await receivers.framesSeen();
      const in1 = await receivers.chromiumInbound();
      const tIn1 = performance.now();
      const s1 = await sample(receivers.consumers, receivers.transports);
      const notConnected = await receivers.notConnected();
      const dt = (t1 - t0) / 1000;
      const [videoIn, audioIn] = [(v1 - v0) / dt, (a1 - a0) / dt];
      const due = target * ((kind === 'audio' ? 0 : videoIn) + (kind === 'video' ? 0 : audioIn));
      const fl = flow(s0, s1, ids);
      const ingressPacketsPerSec = Math.round(videoIn + audioIn);
      const step: Step = {
        receivers: target,
        consumers: ids.length,
        workerCpuPct: Math.round(((c1 - c0) / dt) * 1000) / 10,
        chromiumCpuPct: treeCpuPct(k0, k1, dt),
        ...fl,
        forwardedShare: due > 0 ? Math.round((fl.forwardedPacketsPerSec / due) * 100) / 100 : 1,
        ingressPacketsPerSec,
        ingressShort: steps.length > 0 && ingressPacketsPerSec < 0.9 * (steps[0]?.ingressPacketsPerSec ?? 0),
        framesPerSec: f0 && f1 ? Math.round([...f1].reduce((s, [id, n]) => s + n - (f0.get(id) ?? n), 0) / ((tIn1 - tIn0) / 1000)) : null,
        consumersWithoutFrames: f0 && f1 ? ids.filter((id) => (f1.get(id) ?? 0) <= (f0.get(id) ?? 0)).length : null,
        chromium: in0 && in1 ? Object.fromEntries(Object.entries(in1).map(([k, n]) => [`${k}PerSec`, Math.round(((n - (in0[k] ?? 0)) / ((tIn1 - tIn0) / 1000)) * 10) / 10])) : null,
        setupSeconds,
        transportsNotConnected: notConnected.size,
        load: load(),
      };
      steps.push(step);
      const cell = (x: string | number | null, w: number): string => String(x ?? '–').padStart(w);
      console.log(
        [
          cell(step.receivers, 9),
          cell(`${step.workerCpuPct.toFixed(1)}%`, 10),
          cell(`${step.chromiumCpuPct.toFixed(1)}%`, 12),
          cell(step.forwardedPacketsPerSec, 10),
          cell(step.forwardedMbitPerSec.toFixed(1), 6),
          cell(step.forwardedShare.toFixed(2), 5),
          cell(step.consumersWithoutMedia + (step.consumersWithoutFrames ? `/${step.consumersWithoutFrames}` : ''), 8),
          cell(step.framesPerSec, 8),
          cell(step.consumersWithReceiverReports, 7),
          cell(step.feedbackKbitPerSec, 15),
          cell(step.nacksPerSec, 6),
          cell(step.plisPerSec, 5),
          cell(step.bweMedianMbit, 10),
        ].join('  ') + (step.ingressShort ? '  (ingress short: not fitted)' : '') + (notConnected.size ? `  ${notConnected.size} peers not connected` : ''),
      );
      if (step.chromium) {
        const c = step.chromium;
        console.log(`           Chromium: ${c['packetsReceivedPerSec'] ?? 0} pkt/s in, ${c['packetsLostPerSec'] ?? 0} lost/s, ${c['nackCountPerSec'] ?? 0} NACK/s, ${c['pliCountPerSec'] ?? 0} PLI/s, ${c['framesDecodedPerSec'] ?? 0} decoded/s · set up in ${step.setupSeconds} s · load ${step.load.join(' ')}`);
      }
      if (step.workerCpuPct > SATURATED) break;
    }
  } finally {
    await receivers.close();
  }
  return { steps, stoppedBy };
}

/** Chromium lost under 1% of what it received (always true for plain receivers: nobody receives). */
const keptUp = (s: Step): boolean => !s.chromium || (s.chromium['packetsLostPerSec'] ?? 0) <= 0.01 * (s.chromium['packetsReceivedPerSec'] ?? 0);

function summary(kind: Kind, transport: TransportKind, steps: Step[], perProducerPct: number | null, started: number[]) {
  // Fitted only where every receiver kept up: a Chromium too starved to read its sockets loses
  // packets and sends NACKs and PLIs no healthy receiver would, which costs the worker extra.
  const loaded = steps.filter((s) => s.consumers > 0 && !s.ingressShort && keptUp(s));
  const clean = loaded.length >= 2 ? loaded : loaded.length === 1 ? steps.filter((s) => s.consumers === 0 || loaded.includes(s)) : [];
  const { intercept, slope } = fit(clean);
  // For reference only when no step was clean: every measured step, Chromium's losses included.
  const all = fit(steps.filter((s) => s.consumers > 0 && !s.ingressShort));
  // Within budget and every consumer delivering: a step where the worker falls behind does not count.
  const healthy = (s: Step): boolean => s.workerCpuPct <= CPU_BUDGET && !s.ingressShort && s.consumersWithoutMedia === 0 && s.forwardedShare >= 0.95 && keptUp(s);
  const callsPerCore = kind === 'both' && slope > 0 ? Math.floor(CPU_BUDGET / (4 * slope + 4 * (perProducerPct ?? 0))) : null;
  return {
    kind,
    transport,
    consumersPerReceiver: kind === 'both' ? 2 : 1,
    load: { start: started, end: load() },
    steps,
    stepsFitted: loaded.map((s) => s.receivers),
    fit: { cpuPctIntercept: Math.round(intercept * 100) / 100, cpuPctPerConsumer: Math.round(slope * 10000) / 10000 },
    fitAllStepsIncludingLossy: { cpuPctIntercept: Math.round(all.intercept * 100) / 100, cpuPctPerConsumer: Math.round(all.slope * 10000) / 10000 },
    consumersAtBudget: slope > 0 ? Math.floor((CPU_BUDGET - intercept) / slope) : null,
    largestHealthyStepWithinBudget: Math.max(0, ...steps.filter(healthy).map((s) => s.consumers)),
    oneToOneCallsPerCore: callsPerCore,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string' },
      transport: { type: 'string' },
      steps: { type: 'string' },
      window: { type: 'string' },
      warmup: { type: 'string' },
      'per-page': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const kinds = list(values.kind, 'video,audio');
  const transports = list(values.transport, 'webrtc,plain');
  const plan = values.steps === undefined ? null : values.steps.split(',').map(Number);
  const windowS = Number(values.window ?? 5);
  const warmupS = Number(values.warmup ?? 3);
  const perPage = Number(values['per-page'] ?? 100);
  const bad = [...kinds.filter((k) => !isKind(k)).map((k) => `--kind ${k}`), ...transports.filter((t) => !isTransport(t)).map((t) => `--transport ${t}`)];
  if (plan?.some((n) => !Number.isInteger(n) || n < 0)) bad.push(`--steps ${values.steps}`);
  if (!(windowS > 0) || !(warmupS >= 0) || !Number.isInteger(perPage) || perPage < 1 || perPage > 500) bad.push('--window/--warmup/--per-page');
  if (bad.length) {
    console.error(`bench:sfu: bad ${bad.join(', ')}\n${USAGE}`);
    return 2;
  }
  let bin: string;
  try {
    bin = workerBin();
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    if (transports.includes('webrtc')) execFileSync(CHROMIUM, ['--version'], { stdio: 'ignore' });
  } catch (e) {
    console.error(`bench:sfu cannot run: ${errorMessage(e)}\n${USAGE}`);
    return 1;
  }

  // Printed at the start and the end (and per step): on a shared machine the figures move with the load.
  const loadAtStart = load();
  console.log(`load average 1/5/15 min at start ${loadAtStart.join(' ')}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'ringdesk-bench-sfu-'));
  // A free port, then nobody listens on it: reading 50k packets/s here would starve ffmpeg on the other core.
  const probe = createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  const sinkPort = probe.address().port;
  probe.close();
  let ffmpeg: ChildProcess | null = null;
  let chromium: { browser: Browser; host: PageHost } | null = null;
  const worker = await mediasoup.createWorker({ logLevel: 'error', workerBin: bin, rtcMinPort: 20000, rtcMaxPort: 29999 });
  const cleanup = async (): Promise<void> => {
    ffmpeg?.kill('SIGKILL');
    await chromium?.browser.close().catch(() => undefined);
    await chromium?.host.close();
    worker.close();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    // The worker alone on core 0; ffmpeg, this process and Chromium (its children inherit this affinity) on core 1.
    const pinned = pin(worker.pid, 0) && pin(process.pid, 1);
    console.log(`mediasoup ${mediasoup.version}, worker pid ${worker.pid}${pinned ? ' pinned to core 0 (ffmpeg, Chromium and this process on core 1)' : ' (taskset failed: not pinned)'}`);
    // As server/sfu/WorkerPool.ts with the default config: one WebRtcServer per worker (every WebRTC
    // transport on its one UDP port), on all interfaces, announcing this machine's first LAN address
    // (Chromium does not gather loopback candidates; the packets still never leave the machine).
    const announcedAddress = defaultAnnouncedAddress('0.0.0.0');
    const webRtcServer = await worker.createWebRtcServer({
      listenInfos: [
        { protocol: 'udp', ip: '0.0.0.0', announcedAddress, port: 0 },
        { protocol: 'tcp', ip: '0.0.0.0', announcedAddress, port: 0 },
      ],
    });
    console.log('encoding the test clip (10 s of 720p VP8 + Opus) …');
    const clip = encodeClip(dir);
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const idleBefore = cpuSeconds(worker.pid);
    await sleep(2000);
    const idleCpuPct = ((cpuSeconds(worker.pid) - idleBefore) / 2) * 100;

    const { video, audio, ports } = await ingress(router);
    ffmpeg = startFfmpeg(clip, ports);
    const deadline = Date.now() + 10_000;
    while ((await packetCount(video)) === 0 || (await packetCount(audio)) === 0) {
      if (Date.now() > deadline) throw new Error('no RTP from ffmpeg within 10 s');
      await sleep(200);
    }
    // The step with no receivers, before any: what the two producers cost (for the 1:1-calls figure).
    const base0 = cpuSeconds(worker.pid);
    await sleep(3000);
    const producersCpuPct = ((cpuSeconds(worker.pid) - base0) / 3) * 100;
    const perProducerPct = Math.max(0, (producersCpuPct - idleCpuPct) / 2);

    const b: Bench = {
      router,
      worker,
      webRtcServer,
      video,
      audio,
      sinkPort,
      ffmpegPid: ffmpeg.pid ?? -1,
      browser: async () => {
        if (!chromium) {
          chromium = { browser: await launchBrowser(), host: await hostPage() };
          const pids = chromiumPids(b);
          console.log(`Chromium: ${pids.length} processes, allowed cores ${[...new Set(pids.map(affinity))].join(' ')}`);
        }
        return chromium;
      },
    };
    const results = [];
    for (const kind of kinds.filter(isKind)) {
      for (const transport of transports.filter(isTransport)) {
        const started = load();
        const { steps, stoppedBy } = await series(b, kind, transport, plan ?? DEFAULT_STEPS[kind], windowS, warmupS, perPage);
        results.push({ ...summary(kind, transport, steps, perProducerPct, started), stoppedBy });
      }
    }
    const loadAtEnd = load();
    const result = {
      benchmark: 'sfu',
      date: new Date().toISOString(),
      command: `npm run bench:sfu${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        platform: `${os.platform()} ${os.release()}`,
        node: process.version,
        loadAverages1m5m15m: { start: loadAtStart, end: loadAtEnd },
      },
      mediasoup: mediasoup.version,
      workerPinnedToOneCore: pinned,
      media: MEDIA,
      receivers: {
        webrtc: 'WebRtcTransport on the worker\'s WebRtcServer (UDP, loopback), one per receiver, each with its own RTCPeerConnection in headless Chromium (mediasoup-client); frames counted and dropped in an RTCRtpScriptTransform, never decoded',
        plain: 'PlainTransport with SRTP (AES_CM_128_HMAC_SHA1_80) sending to a loopback port nobody reads: no ICE, DTLS or RTCP from receivers',
      },
      window: { seconds: windowS, warmupSeconds: warmupS },
      idleWorkerCpuPct: Math.round(idleCpuPct * 10) / 10,
      perProducerCpuPct: Math.round(perProducerPct * 100) / 100,
      cpuBudgetPct: CPU_BUDGET,
      guidanceConsumersPerWorker: GUIDANCE_CONSUMERS,
      series: results,
    };
    console.log(`\nload average 1/5/15 min: start ${loadAtStart.join(' ')}, end ${loadAtEnd.join(' ')} (machine shared with other jobs)`);
    console.log(`worker idle ${result.idleWorkerCpuPct}%, ${result.perProducerCpuPct}% per producer; at ≤ ${CPU_BUDGET}% of one core (mediasoup's guidance: ~${GUIDANCE_CONSUMERS} consumers per worker):`);
    for (const s of results) {
      const what = `${s.kind === 'both' ? 'audio+video' : `${s.kind}-only`} on ${s.transport}`.padEnd(22);
      const calls = s.oneToOneCallsPerCore === null ? '' : `, ${s.oneToOneCallsPerCore} 1:1 calls`;
      if (s.stoppedBy) console.log(`  ${what} stopped early: ${s.stoppedBy}`);
      console.log(`  ${what} ${s.fit.cpuPctIntercept}% + ${s.fit.cpuPctPerConsumer}% per consumer (fitted on ${s.stepsFitted.join(',') || `no step: Chromium lost ≥ 1% at every step; over all steps ${s.fitAllStepsIncludingLossy.cpuPctPerConsumer}%`}) → ${s.consumersAtBudget ?? 'n/a'} consumers (largest healthy measured step: ${s.largestHealthyStepWithinBudget}${calls})`);
    }
    const path = writeResult('sfu', result, { out: values.out });
    console.log(`\nJSON: ${relative(process.cwd(), path) || path} (and bench/results/sfu-latest.json)`);
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench:sfu failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
