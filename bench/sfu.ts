#!/usr/bin/env node
// SFU benchmark: `npm run bench:sfu -- [--steps 0,25,50,…] [--window 5] [--warmup 2] [--out PATH]`.
// One real mediasoup worker pinned to one core forwards real RTP: ffmpeg streams a pre-encoded VP8 +
// Opus clip (720p, ~1.2 Mbit/s, a keyframe every second) into two PlainTransport producers; each
// "receiver" is a PlainTransport with SRTP (so the worker encrypts per receiver, as with WebRTC)
// consuming both and sending to a loopback port nobody reads (as if the receiver were remote: no
// local receive cost). At each step the worker's CPU is read from /proc/<pid>/stat, and what the
// consumers really sent from the worker's own counters. Prints a table and writes bench/results/sfu-<timestamp>.json and
// bench/results/sfu-latest.json. See bench/README.md.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../server/sfu/mediaCodecs.ts';
import { writeResult } from './results.ts';

/** The budget: a worker at 80% of its core still has room for bursts (keyframes, PLI storms, joins). */
const CPU_BUDGET = 80;
/** mediasoup's own guidance for one worker, to compare with. */
const GUIDANCE_CONSUMERS = 500;
const VIDEO_SSRC = 22222222;
const AUDIO_SSRC = 11111111;
const CLOCK_TICKS = 100; // USER_HZ on Linux

const USAGE = `usage: npm run bench:sfu -- [--kind video|audio|both] [--steps 0,25,50,100,150,200,250,300] [--window 5] [--warmup 2] [--out PATH]
  --kind     what each receiver consumes: video (default: one video consumer per receiver, the figure that
             sizes a worker), audio (one audio consumer), or both (audio + video, 2 consumers: the old default)
  --steps    receivers at each step
  --window   seconds measured per step      --warmup  seconds before each measurement
Receivers are PlainTransports with SRTP, not WebRTC transports (see bench/README.md: what is and is not measured).
needs ffmpeg (apt-get install ffmpeg) and a mediasoup worker (MEDIASOUP_WORKER_BIN, or . scripts/setup-mediasoup.sh)`;

interface Step {
  receivers: number;
  consumers: number;
  workerCpuPct: number;
  /** RTP the consumers sent, per second (the worker's counters): proof they forward. */
  forwardedPacketsPerSec: number;
  forwardedMbitPerSec: number;
  /** What the producers got from ffmpeg in the same window. */
  ingressPacketsPerSec: number;
  /** Ingress fell below 90% of the first step's: ffmpeg did not keep up, so the step is left out of the fit. */
  ingressShort: boolean;
}

function workerBin(): string {
  const cache = process.env['RINGDESK_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(os.homedir(), '.cache'), 'ringdesk');
  const bin = process.env['MEDIASOUP_WORKER_BIN'] || join(cache, 'mediasoup-worker', '3.27.1', 'mediasoup-worker');
  accessSync(bin, constants.X_OK);
  return bin;
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces; fields resume after ')'
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pin(pid: number, core: number): boolean {
  try {
    execFileSync('taskset', ['-pc', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Encodes the test clip once, so streaming it costs ffmpeg almost nothing (-c copy). */
function encodeClip(dir: string): string {
  const clip = join(dir, 'clip.webm');
  execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-t', '10', '-c:v', 'libvpx', '-b:v', '1200k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '30', '-c:a', 'libopus', '-b:a', '48k', '-ac', '2', clip],
    ],
    { stdio: 'inherit' },
  );
  return clip;
}

type Ports = { video: [rtp: number, rtcp: number]; audio: [rtp: number, rtcp: number] };
const portsOf = (t: types.PlainTransport): [number, number] => [t.tuple.localPort, t.rtcpTuple?.localPort ?? t.tuple.localPort];

async function ingress(router: types.Router): Promise<{ video: types.Producer; audio: types.Producer; ports: Ports }> {
  // No RTCP mux: ffmpeg sends RTCP from another socket than RTP, and comedia learns each source separately.
  const plain = (): Promise<types.PlainTransport> => router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const vt = await plain();
  const at = await plain();
  const video = await vt.produce({
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: VIDEO_SSRC }] },
  });
  const audio = await at.produce({
    kind: 'audio',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: AUDIO_SSRC }] },
  });
  return { video, audio, ports: { video: portsOf(vt), audio: portsOf(at) } };
}

function startFfmpeg(clip: string, ports: Ports): ChildProcess {
  const rtp = ([port, rtcp]: [number, number]): string => `rtp://127.0.0.1:${port}?rtcpport=${rtcp}&pkt_size=1200`;
  return spawn(
    'taskset',
    [
      ...['-c', '1', 'ffmpeg', '-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip],
      ...['-map', '0:v', '-c:v', 'copy', '-payload_type', '101', '-ssrc', String(VIDEO_SSRC), '-f', 'rtp', rtp(ports.video)],
      ...['-map', '0:a', '-c:a', 'copy', '-payload_type', '100', '-ssrc', String(AUDIO_SSRC), '-f', 'rtp', rtp(ports.audio)],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function packetCount(p: types.Producer): Promise<number> {
  return (await p.getStats()).reduce((n, s) => n + s.packetCount, 0);
}

type Sample = { packets: number; bytes: number; at: number };

/**
 * What each consumer has sent so far, and when it was read (a consumer still waiting for a keyframe
 * has no stream yet). Read all at once: read one by one, a busy worker would stretch the window.
 */
async function sent(consumers: types.Consumer[]): Promise<Map<string, Sample>> {
  const out = new Map<string, Sample>();
  await Promise.all(
    consumers.map(async (c) => {
      const st = (await c.getStats()).find((x) => x.type === 'outbound-rtp');
      if (st) out.set(c.id, { packets: st.packetCount, bytes: st.byteCount, at: performance.now() });
    }),
  );
  return out;
}

/** The consumers' summed send rate between two reads, each over its own interval. */
function rate(before: Map<string, Sample>, after: Map<string, Sample>): { packetsPerSec: number; bytesPerSec: number } {
  let packetsPerSec = 0;
  let bytesPerSec = 0;
  for (const [id, a] of after) {
    const b = before.get(id);
    if (!b || a.at <= b.at) continue;
    const dt = (a.at - b.at) / 1000;
    packetsPerSec += (a.packets - b.packets) / dt;
    bytesPerSec += (a.bytes - b.bytes) / dt;
  }
  return { packetsPerSec, bytesPerSec };
}

/** A linear fit of CPU against consumers: cpu ≈ intercept + slope · consumers. */
function fit(steps: Step[]): { intercept: number; slope: number } {
  const n = steps.length;
  const mx = steps.reduce((s, x) => s + x.consumers, 0) / n;
  const my = steps.reduce((s, x) => s + x.workerCpuPct, 0) / n;
  const sxx = steps.reduce((s, x) => s + (x.consumers - mx) ** 2, 0);
  const sxy = steps.reduce((s, x) => s + (x.consumers - mx) * (x.workerCpuPct - my), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { kind: { type: 'string' }, steps: { type: 'string' }, window: { type: 'string' }, warmup: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const plan = (values.steps ?? '0,25,50,100,150,200,250,300').split(',').map(Number);
  const kind = values.kind ?? 'video';
  if (kind !== 'video' && kind !== 'audio' && kind !== 'both') {
    console.error(`--kind must be video, audio or both (got "${kind}")\n${USAGE}`);
    return 2;
  }
  const windowS = Number(values.window ?? 5);
  const warmupS = Number(values.warmup ?? 2);
  if (plan.some((n) => !Number.isInteger(n) || n < 0) || !(windowS > 0) || !(warmupS >= 0)) {
    console.error(USAGE);
    return 2;
  }
  let bin: string;
  try {
    bin = workerBin();
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  } catch (e) {
    console.error(`bench:sfu cannot run: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 1;
  }

  // Printed at the start and the end: on a shared machine the figures move with the load.
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(`load average 1/5/15 min at start ${loadAtStart.join(' ')}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'ringdesk-bench-sfu-'));
  // A free port, then nobody listens on it: reading 50k packets/s here would starve ffmpeg on the other core.
  const probe = createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  const sinkPort = probe.address().port;
  probe.close();
  let ffmpeg: ChildProcess | null = null;
  const worker = await mediasoup.createWorker({ logLevel: 'error', workerBin: bin, rtcMinPort: 20000, rtcMaxPort: 29999 });
  const cleanup = (): void => {
    ffmpeg?.kill('SIGKILL');
    worker.close();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  try {
    // The worker alone on core 0; ffmpeg and this process on core 1.
    const pinned = pin(worker.pid, 0) && pin(process.pid, 1);
    console.log(`mediasoup ${mediasoup.version}, worker pid ${worker.pid}${pinned ? ' pinned to core 0 (ffmpeg and this process on core 1)' : ' (taskset failed: not pinned)'}`);
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

    const receivers: types.PlainTransport[] = [];
    const consumers: types.Consumer[] = [];
    const steps: Step[] = [];
    console.log('\nreceivers  consumers  worker CPU  sent pkt/s  sent Mbit/s  ingress pkt/s');
    for (const target of plan) {
      while (receivers.length < target) {
        const t = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: true,
          comedia: false,
          enableSrtp: true,
          srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
        });
        await t.connect({ ip: '127.0.0.1', port: sinkPort, srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') } });
        const consumed = kind === 'video' ? [video.id] : kind === 'audio' ? [audio.id] : [audio.id, video.id];
        for (const producerId of consumed) consumers.push(await t.consume({ producerId, rtpCapabilities: router.rtpCapabilities }));
        receivers.push(t);
      }
      await sleep(warmupS * 1000);
      // Counters are read outside the CPU window: asking the worker for stats costs it CPU too.
      const out0 = await sent(consumers);
      const i0 = (await packetCount(video)) + (await packetCount(audio));
      const [c0, t0] = [cpuSeconds(worker.pid), performance.now()];
      await sleep(windowS * 1000);
      const [c1, t1] = [cpuSeconds(worker.pid), performance.now()];
      const i1 = (await packetCount(video)) + (await packetCount(audio));
      const out1 = await sent(consumers);
      const dt = (t1 - t0) / 1000;
      const out = rate(out0, out1);
      const ingressPacketsPerSec = Math.round((i1 - i0) / dt);
      const step: Step = {
        receivers: target,
        consumers: target * (kind === 'both' ? 2 : 1),
        workerCpuPct: Math.round(((c1 - c0) / dt) * 1000) / 10,
        forwardedPacketsPerSec: Math.round(out.packetsPerSec),
        forwardedMbitPerSec: Math.round((out.bytesPerSec * 8) / 1e4) / 100,
        ingressPacketsPerSec,
        ingressShort: steps.length > 0 && ingressPacketsPerSec < 0.9 * (steps[0]?.ingressPacketsPerSec ?? 0),
      };
      steps.push(step);
      console.log(
        `${String(step.receivers).padStart(9)}  ${String(step.consumers).padStart(9)}  ${`${step.workerCpuPct.toFixed(1)}%`.padStart(10)}  ${String(step.forwardedPacketsPerSec).padStart(10)}  ${step.forwardedMbitPerSec.toFixed(2).padStart(11)}  ${String(step.ingressPacketsPerSec).padStart(13)}${step.ingressShort ? '  (ingress short: not fitted)' : ''}`,
      );
      if (step.workerCpuPct > 95) break; // past the budget; more steps measure only saturation
    }

    const loaded = steps.filter((s) => s.consumers > 0 && !s.ingressShort);
    const { intercept, slope } = fit(loaded.length >= 2 ? loaded : steps);
    const consumersAtBudget = slope > 0 ? Math.floor((CPU_BUDGET - intercept) / slope) : null;
    const measuredWithinBudget = Math.max(0, ...steps.filter((s) => s.workerCpuPct <= CPU_BUDGET && !s.ingressShort).map((s) => s.consumers));
    // A 1:1 call: each side sends audio + video (4 producers) and receives the other's (4 consumers).
    const base = steps.find((s) => s.consumers === 0);
    const perProducerPct = base ? Math.max(0, (base.workerCpuPct - idleCpuPct) / 2) : null;
    // Only meaningful when the per-consumer cost covers both kinds (a 1:1 call consumes audio and video).
    const callsPerCore = kind === 'both' && slope > 0 ? Math.floor(CPU_BUDGET / (4 * slope + 4 * (perProducerPct ?? 0))) : null;
    const result = {
      benchmark: 'sfu',
      date: new Date().toISOString(),
      command: `npm run bench:sfu${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        platform: `${os.platform()} ${os.release()}`,
        node: process.version,
        loadAverages1m5m15m: { start: loadAtStart, end: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      },
      mediasoup: mediasoup.version,
      workerPinnedToOneCore: pinned,
      media: {
        video: 'VP8 1280x720 30 fps ~1.2 Mbit/s, keyframe every 1 s (one layer, no simulcast)',
        audio: 'Opus 48 kHz stereo ~48 kbit/s',
        consumed: kind,
        consumersPerReceiver: kind === 'both' ? 2 : 1,
        receiverTransport: 'PlainTransport with SRTP (AES_CM_128_HMAC_SHA1_80); NOT a WebRtcTransport: no ICE/DTLS, no RTCP feedback from receivers',
      },
      idleWorkerCpuPct: Math.round(idleCpuPct * 10) / 10,
      steps,
      fit: { cpuPctIntercept: Math.round(intercept * 100) / 100, cpuPctPerConsumer: Math.round(slope * 10000) / 10000 },
      cpuBudgetPct: CPU_BUDGET,
      consumersAtBudget,
      largestMeasuredStepWithinBudget: measuredWithinBudget,
      perProducerCpuPct: perProducerPct === null ? null : Math.round(perProducerPct * 100) / 100,
      oneToOneCallsPerCore: callsPerCore,
      guidanceConsumersPerWorker: GUIDANCE_CONSUMERS,
    };
    console.log(`\nload average 1/5/15 min: start ${loadAtStart.join(' ')}, end ${result.machine.loadAverages1m5m15m.end.join(' ')}`);
    console.log(`worker idle: ${result.idleWorkerCpuPct}% · fit: ${result.fit.cpuPctIntercept}% + ${result.fit.cpuPctPerConsumer}% per consumer`);
    console.log(`${kind === 'both' ? 'audio + video' : `${kind}-only`} consumers on PlainTransports with SRTP (not WebRTC transports)`);
    console.log(`consumers at ≤ ${CPU_BUDGET}% of one core: ${consumersAtBudget ?? 'n/a'} (largest measured step within budget: ${measuredWithinBudget}; mediasoup's guidance: ~${GUIDANCE_CONSUMERS})`);
    console.log(`1:1 calls per core (4 producers + 4 consumers each, ${perProducerPct?.toFixed(2) ?? '?'}% per producer): ${callsPerCore ?? 'n/a (needs --kind both)'}`);
    const path = writeResult('sfu', result, { out: values.out });
    console.log(`\nJSON: ${relative(process.cwd(), path) || path} (and bench/results/sfu-latest.json)`);
    return 0;
  } finally {
    cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench:sfu failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
