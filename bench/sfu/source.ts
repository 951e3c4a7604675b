// bench:sfu's media source: ffmpeg streams a clip it encoded once (720p VP8 + Opus) with `-c copy`
// into two PlainTransport producers on the worker, so the worker forwards real RTP.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { types } from 'mediasoup';

const VIDEO_SSRC = 22222222;
const AUDIO_SSRC = 11111111;

export const MEDIA = {
  video: 'VP8 1280x720 30 fps ~1.2 Mbit/s, keyframe every 1 s (one layer, no simulcast)',
  audio: 'Opus 48 kHz stereo ~48 kbit/s',
};

export function workerBin(): string {
  const cache = process.env['RINGDESK_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(os.homedir(), '.cache'), 'ringdesk');
  const bin = process.env['MEDIASOUP_WORKER_BIN'] || join(cache, 'mediasoup-worker', '3.27.1', 'mediasoup-worker');
  accessSync(bin, constants.X_OK);
  return bin;
}

/** Encodes the test clip once, so streaming it costs ffmpeg almost nothing (-c copy). */
export function encodeClip(dir: string): string {
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

export async function ingress(router: types.Router): Promise<{ video: types.Producer; audio: types.Producer; ports: Ports }> {
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

/** ffmpeg on core 1 (`taskset`), next to this process and Chromium; the worker has core 0. */
export function startFfmpeg(clip: string, ports: Ports): ChildProcess {
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

export async function packetCount(p: types.Producer): Promise<number> {
  return (await p.getStats()).reduce((n, s) => n + s.packetCount, 0);
}
