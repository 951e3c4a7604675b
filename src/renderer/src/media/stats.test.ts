import { describe, expect, it } from 'vitest';
import { isPoor, StatsSampler, type RawReport } from './stats.ts';

/** An RTCStatsReport is a read-only map of plain records; a Map of the same records stands in. */
const report = (...entries: Record<string, unknown>[]): RTCStatsReport => new Map(entries.map((e, i) => [String(i), e])) as unknown as RTCStatsReport; // same forEach/get surface

const inbound = (bytes: number, packets: number, lost: number, frames: number): RawReport => ({
  key: 'c1',
  direction: 'in',
  kind: 'video',
  source: 'camera',
  userId: 'bob',
  report: report(
    { type: 'inbound-rtp', kind: 'video', bytesReceived: bytes, packetsReceived: packets, packetsLost: lost, framesDecoded: frames, frameWidth: 640, frameHeight: 360 },
    { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.042 },
  ),
});

describe('StatsSampler', () => {
  it('reads RTT, resolution and frames at once, and bitrate and loss over the interval since the last sample', () => {
    const s = new StatsSampler();
    const [first] = s.sample([inbound(10_000, 100, 0, 30)], 1000);
    expect(first).toMatchObject({ rttMs: 42, width: 640, height: 360, framesDecoded: 30, packets: 100, kbps: null, lossPct: null });
    const [second] = s.sample([inbound(135_000, 190, 10, 54)], 2000);
    // 125 000 bytes in 1 s = 1000 kbit/s; 10 lost of 100 expected = 10 %.
    expect(second).toMatchObject({ kbps: 1000, lossPct: 10, framesDecoded: 54 });
    expect(isPoor([second!])).toBe(true);
  });

  it('sent streams take loss and RTT from the receiver report', () => {
    const s = new StatsSampler();
    const [out] = s.sample(
      [{ key: 'local-mic', direction: 'out', kind: 'audio', source: 'mic', userId: null, report: report({ type: 'outbound-rtp', kind: 'audio', bytesSent: 4000, packetsSent: 50 }, { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.5, fractionLost: 0.01, packetsLost: 1 }) }],
      0,
    );
    expect(out).toMatchObject({ rttMs: 500, lossPct: 1, packets: 50 });
    expect(isPoor([out!])).toBe(true);
    expect(isPoor([{ ...out!, rttMs: 80 }])).toBe(false);
  });
});
