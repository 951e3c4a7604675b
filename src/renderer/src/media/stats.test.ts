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

  it('a simulcast camera is one stream: the bitrate of its three layers added, the largest layer sent, the worst layer\'s loss', () => {
    const s = new StatsSampler();
    const layers = (scale: number): RawReport => ({
      key: 'local-camera',
      direction: 'out',
      kind: 'video',
      source: 'camera',
      userId: null,
      report: report(
        { type: 'outbound-rtp', kind: 'video', rid: 'r0', bytesSent: 1000 * scale, packetsSent: 10 * scale, frameWidth: 160, frameHeight: 90, active: true },
        { type: 'outbound-rtp', kind: 'video', rid: 'r1', bytesSent: 3000 * scale, packetsSent: 30 * scale, frameWidth: 320, frameHeight: 180, active: true },
        { type: 'outbound-rtp', kind: 'video', rid: 'r2', bytesSent: 9000 * scale, packetsSent: 90 * scale, frameWidth: 640, frameHeight: 360, active: false },
        { type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.02, packetsLost: 1, roundTripTime: 0.03 },
        { type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.07, packetsLost: 4, roundTripTime: 0.03 },
      ),
    });
    s.sample([layers(1)], 0);
    const [cam] = s.sample([layers(2)], 1000);
    // 13 000 bytes more in 1 s = 104 kbit/s; the top layer is switched off, so 320×180 is what goes out.
    expect(cam).toMatchObject({ kbps: 104, width: 320, height: 180, packets: 260, lossPct: 7 });
  });
});
