// What bench:sfu reads from the worker's own counters around each measured window: what every
// consumer sent, and what came back from its receiver (RTCP: receiver reports, NACK, PLI, and on
// WebRTC transports transport-cc, which drives the worker's bandwidth estimate).
import type { types } from 'mediasoup';
import { percentile } from '../percentile.ts';

interface ConsumerSample {
  at: number;
  packets: number;
  bytes: number;
  retransmitted: number;
  nacks: number;
  plis: number;
  firs: number;
  lost: number;
  /** From the receiver's reports (RR: last SR and delay since): absent until one arrives. */
  rttMs: number | undefined;
  score: number;
}

interface TransportSample {
  at: number;
  /** Everything the receiver sent the worker that is not RTP: RTCP, STUN (ICE consent), DTLS. */
  nonRtpBytesIn: number;
  availableOutgoingBitrate: number | undefined;
}

export interface Sample {
  consumers: Map<string, ConsumerSample>;
  transports: Map<string, TransportSample>;
}

/**
 * Reads every consumer's and transport's counters, all at once: read one by one, a busy worker
 * would stretch the window. A consumer still waiting for a keyframe has no stream yet (no entry).
 */
export async function sample(consumers: readonly types.Consumer[], transports: readonly (types.WebRtcTransport | types.PlainTransport)[]): Promise<Sample> {
  const out: Sample = { consumers: new Map(), transports: new Map() };
  await Promise.all([
    ...consumers.map(async (c) => {
      const st = (await c.getStats()).find((x) => x.type === 'outbound-rtp');
      if (!st) return;
      out.consumers.set(c.id, {
        at: performance.now(),
        packets: st.packetCount,
        bytes: st.byteCount,
        retransmitted: st.packetsRetransmitted,
        nacks: st.nackCount,
        plis: st.pliCount,
        firs: st.firCount,
        lost: st.packetsLost,
        rttMs: st.roundTripTime,
        score: st.score,
      });
    }),
    ...transports.map(async (t) => {
      const [st] = await t.getStats();
      if (!st) return;
      // A PlainTransport reports its initial estimate too, but nothing ever moves it: only WebRTC's counts.
      const bwe = t.type === 'webrtc' ? st.availableOutgoingBitrate : undefined;
      out.transports.set(t.id, { at: performance.now(), nonRtpBytesIn: st.bytesReceived - st.rtpBytesReceived - st.rtxBytesReceived, availableOutgoingBitrate: bwe });
    }),
  ]);
  return out;
}

/** What one step's window showed, from two samples (each item over its own read interval). */
export interface Flow {
  forwardedPacketsPerSec: number;
  forwardedMbitPerSec: number;
  /** Consumers that sent no RTP at all over the window (no media reached their receiver). */
  consumersWithoutMedia: number;
  /** Consumers whose receiver reports reached the worker (it computed a round-trip time from them). */
  consumersWithReceiverReports: number;
  /** Non-RTP bytes the receivers sent the worker (RTCP, STUN consent, DTLS), summed, in kbit/s. */
  feedbackKbitPerSec: number;
  /** Transports that sent the worker nothing over the window. */
  transportsSilent: number;
  nacksPerSec: number;
  retransmittedPerSec: number;
  plisPerSec: number;
  firsPerSec: number;
  /** Packets the receivers reported lost (RR cumulative counters), per second. */
  lostPerSec: number;
  /** Lowest and median consumer score (10 = no loss reported). */
  scoreMin: number | null;
  scoreMedian: number | null;
  /** Median of the worker's bandwidth estimate per transport (transport-cc feedback moves it), Mbit/s. */
  bweMedianMbit: number | null;
}

/** The shared nearest-rank p50 (bench/percentile.ts), null for no samples. */
const median = (xs: number[]): number | null => (xs.length === 0 ? null : percentile(xs, 50));
const r2 = (x: number): number => Math.round(x * 100) / 100;

export function flow(before: Sample, after: Sample, consumerIds: readonly string[]): Flow {
  const per = { packets: 0, bytes: 0, retransmitted: 0, nacks: 0, plis: 0, firs: 0, lost: 0 };
  let withoutMedia = 0;
  let withRr = 0;
  const scores: number[] = [];
  for (const id of consumerIds) {
    const a = after.consumers.get(id);
    const b = before.consumers.get(id);
    if (!a || !b || a.at <= b.at || a.packets === b.packets) withoutMedia++;
    if (a?.rttMs !== undefined && a.rttMs > 0) withRr++;
    if (a) scores.push(a.score);
    if (!a || !b || a.at <= b.at) continue;
    const dt = (a.at - b.at) / 1000;
    for (const k of Object.keys(per) as (keyof typeof per)[]) per[k] += (a[k] - b[k]) / dt;
  }
  let feedback = 0;
  let silent = 0;
  const bwe: number[] = [];
  for (const [id, a] of after.transports) {
    const b = before.transports.get(id);
    if (a.availableOutgoingBitrate !== undefined) bwe.push(a.availableOutgoingBitrate);
    if (!b || a.at <= b.at) continue;
    const bytes = a.nonRtpBytesIn - b.nonRtpBytesIn;
    if (bytes <= 0) silent++;
    feedback += (bytes * 8) / 1000 / ((a.at - b.at) / 1000);
  }
  const bweMedian = median(bwe);
  return {
    forwardedPacketsPerSec: Math.round(per.packets),
    forwardedMbitPerSec: r2((per.bytes * 8) / 1e6),
    consumersWithoutMedia: withoutMedia,
    consumersWithReceiverReports: withRr,
    feedbackKbitPerSec: Math.round(feedback),
    transportsSilent: silent,
    nacksPerSec: r2(per.nacks),
    retransmittedPerSec: r2(per.retransmitted),
    plisPerSec: r2(per.plis),
    firsPerSec: r2(per.firs),
    lostPerSec: r2(per.lost),
    scoreMin: scores.length ? Math.min(...scores) : null,
    scoreMedian: median(scores),
    bweMedianMbit: bweMedian === null ? null : r2(bweMedian / 1e6),
  };
}

/** A linear fit of CPU against consumers: cpu ≈ intercept + slope · consumers. */
export function fit(points: { consumers: number; workerCpuPct: number }[]): { intercept: number; slope: number } {
  const n = points.length;
  if (n === 0) return { intercept: 0, slope: 0 };
  const mx = points.reduce((s, x) => s + x.consumers, 0) / n;
  const my = points.reduce((s, x) => s + x.workerCpuPct, 0) / n;
  const sxx = points.reduce((s, x) => s + (x.consumers - mx) ** 2, 0);
  const sxy = points.reduce((s, x) => s + (x.consumers - mx) * (x.workerCpuPct - my), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}
