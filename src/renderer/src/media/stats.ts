import type { MediaSource } from '../../../shared/protocol/sfu.ts';

/** What the quality overlay shows for one stream: plain numbers, null where the browser says nothing. */
export interface StreamStats {
  key: string;
  direction: 'in' | 'out';
  kind: 'audio' | 'video';
  source: MediaSource;
  userId: string | null;
  rttMs: number | null;
  /** Lost packets over the last interval, as a percentage. */
  lossPct: number | null;
  kbps: number | null;
  width: number | null;
  height: number | null;
  /** Received streams: packets and decoded frames so far (they only grow while media flows). */
  packets: number;
  framesDecoded: number;
}

export interface RawReport {
  key: string;
  direction: 'in' | 'out';
  kind: 'audio' | 'video';
  source: MediaSource;
  userId: string | null;
  report: RTCStatsReport;
}

/** Above these, the overlay shows "poor connection". */
export const POOR = { rttMs: 400, lossPct: 5 } as const;

type Entry = Record<string, unknown>;
const num = (e: Entry | undefined, k: string): number | null => {
  const v = e?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

function entries(report: RTCStatsReport): Entry[] {
  const out: Entry[] = [];
  // RTCStats dictionaries are plain records of numbers and strings.
  report.forEach((v: unknown) => out.push(v as Entry));
  return out;
}

interface Sample {
  at: number;
  bytes: number;
  packets: number;
  lost: number;
}

/**
 * Turns the browser's RTCStatsReports into per-stream figures. Bitrate and loss are rates, so
 * each call is compared with the previous sample of the same stream.
 */
export class StatsSampler {
  readonly #prev = new Map<string, Sample>();

  sample(raws: RawReport[], now: number): StreamStats[] {
    const seen = new Set<string>();
    const out = raws.map((r) => {
      seen.add(r.key);
      return this.#one(r, now);
    });
    for (const k of this.#prev.keys()) if (!seen.has(k)) this.#prev.delete(k);
    return out;
  }

  #one(r: RawReport, now: number): StreamStats {
    const all = entries(r.report);
    const rtpType = r.direction === 'in' ? 'inbound-rtp' : 'outbound-rtp';
    // A simulcast camera is sent as one RTP stream per layer (three here): the stream's bitrate is
    // their sum and its resolution the largest layer being sent. Reading only the first showed
    // your camera at its smallest layer (160×90, a third of its bitrate).
    const rtps = all.filter((e) => e['type'] === rtpType && e['kind'] === r.kind);
    const sending = rtps.filter((e) => e['active'] !== false);
    const rtp = (sending.length > 0 ? sending : rtps).reduce<Entry | undefined>((best, e) => ((num(e, 'frameWidth') ?? 0) > (num(best, 'frameWidth') ?? -1) ? e : best), undefined);
    const pair = all.find((e) => e['type'] === 'candidate-pair' && (e['nominated'] === true || e['state'] === 'succeeded') && num(e, 'currentRoundTripTime') !== null);
    const remoteIns = all.filter((e) => e['type'] === 'remote-inbound-rtp' && e['kind'] === r.kind);
    const remoteIn = remoteIns[0];
    const sum = (xs: Entry[], k: string): number => xs.reduce((a, e) => a + (num(e, k) ?? 0), 0);
    const bytes = sum(rtps, r.direction === 'in' ? 'bytesReceived' : 'bytesSent');
    const packets = sum(rtps, r.direction === 'in' ? 'packetsReceived' : 'packetsSent');
    const lost = sum(r.direction === 'in' ? rtps : remoteIns, 'packetsLost');
    const prev = this.#prev.get(r.key);
    this.#prev.set(r.key, { at: now, bytes, packets, lost });
    let kbps: number | null = null;
    // The worst layer's loss as the receiver reports it: the one to worry about.
    const fractions = remoteIns.map((e) => num(e, 'fractionLost')).filter((x): x is number => x !== null);
    let lossPct: number | null = r.direction === 'out' && fractions.length > 0 ? pct(Math.max(...fractions)) : null;
    if (prev && now > prev.at) {
      kbps = Math.max(0, Math.round(((bytes - prev.bytes) * 8) / (now - prev.at)));
      const dPackets = packets - prev.packets;
      const dLost = lost - prev.lost;
      if (r.direction === 'in' && dPackets + dLost > 0) lossPct = Math.max(0, Math.round((dLost / (dPackets + dLost)) * 1000) / 10);
    }
    const rtt = num(pair, 'currentRoundTripTime') ?? num(remoteIn, 'roundTripTime');
    return {
      key: r.key,
      direction: r.direction,
      kind: r.kind,
      source: r.source,
      userId: r.userId,
      rttMs: rtt === null ? null : Math.round(rtt * 1000),
      lossPct,
      kbps,
      width: num(rtp, 'frameWidth'),
      height: num(rtp, 'frameHeight'),
      packets,
      framesDecoded: num(rtp, 'framesDecoded') ?? 0,
    };
  }
}

function pct(fraction: number | null): number | null {
  return fraction === null ? null : Math.round(fraction * 1000) / 10;
}

/** One badge for the whole call: any stream with a long round trip or heavy loss. */
export function isPoor(stats: StreamStats[]): boolean {
  return stats.some((s) => (s.rttMs !== null && s.rttMs > POOR.rttMs) || (s.lossPct !== null && s.lossPct > POOR.lossPct));
}
