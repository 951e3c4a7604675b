// bench:sfu's WebRTC receivers, the browser half (bench/sfu/webrtc.ts bundles it with Vite and drives
// it): mediasoup-client alone, one receive transport (one RTCPeerConnection) per receiver, as many as
// Node asks for. 300 decoders of 720p VP8 would swamp this machine's second core and stall the very
// receivers we measure, so every receiver's encoded frames (encoded insertable streams) are counted and
// dropped before the decoder; Chromium still does ICE, DTLS, SRTP, RTP reassembly, NACK and sends its
// RTCP (receiver reports, transport-cc, NACK). One exception: each video keyframe goes on to the
// decoder with its picture swapped for a 16×16 keyframe. A receiver whose decoder never gets a frame
// asks for a keyframe every ~200 ms (PLI), which no real receiver does; this way it decodes one tiny
// frame a second and asks only when a real one would (see bench/README.md, SFU benchmark).
import { Device, type types } from 'mediasoup-client';

type Connect = (transportId: string, dtlsParameters: types.DtlsParameters) => Promise<void>;

/** An encoded frame as Chromium hands it over (RTCEncodedVideoFrame / RTCEncodedAudioFrame). */
interface EncodedFrame {
  type?: 'key' | 'delta' | 'empty';
  data: ArrayBuffer;
}
/** Chromium's encoded insertable streams: not in TypeScript's DOM typings. */
interface EncodedStreamsReceiver {
  createEncodedStreams(): { readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame> };
}

declare global {
  interface Window {
    sfuConnect: Connect;
    sfuBench: typeof bench;
  }
}

/** What Chromium says it received, decoded and asked for (its inbound-rtp stats), summed per page. */
const INBOUND = ['packetsReceived', 'packetsLost', 'framesReceived', 'framesDecoded', 'keyFramesDecoded', 'framesDropped', 'nackCount', 'pliCount', 'firCount'];

let device: Device | null = null;
/** A 16×16 VP8 keyframe, encoded once by WebCodecs at load(). */
let tinyKeyframe: ArrayBuffer | null = null;
const transports = new Map<string, types.Transport>();
/** Each transport's PeerConnection state as last reported: Node reports any not connected. */
const states = new Map<string, string>();
/** Encoded frames each consumer's receiver handed to us, by consumer id. */
const frames = new Map<string, number>();

async function encodeTinyKeyframe(): Promise<ArrayBuffer> {
  let out: ArrayBuffer | null = null;
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const buf = new ArrayBuffer(chunk.byteLength);
      chunk.copyTo(buf);
      out = buf;
    },
    error: (e) => {
      throw e;
    },
  });
  encoder.configure({ codec: 'vp8', width: 16, height: 16 });
  const frame = new VideoFrame(new Uint8Array(16 * 16 * 4), { format: 'RGBA', codedWidth: 16, codedHeight: 16, timestamp: 0 });
  encoder.encode(frame, { keyFrame: true });
  frame.close();
  await encoder.flush();
  encoder.close();
  if (!out) throw new Error('WebCodecs produced no VP8 keyframe');
  return out;
}

/** Counts and drops every frame, except video keyframes, which go on shrunk to the tiny one. */
function intercept(consumerId: string, receiver: RTCRtpReceiver): void {
  const { readable, writable } = (receiver as unknown as EncodedStreamsReceiver).createEncodedStreams(); // Chromium has it; the typings do not
  frames.set(consumerId, 0);
  const tiny = tinyKeyframe;
  const transform = new TransformStream<EncodedFrame, EncodedFrame>({
    transform(frame, out) {
      frames.set(consumerId, (frames.get(consumerId) ?? 0) + 1);
      if (frame.type === 'key' && tiny) {
        frame.data = tiny.slice(0);
        out.enqueue(frame);
      }
    },
  });
  readable
    .pipeThrough(transform)
    .pipeTo(writable)
    .catch((e: unknown) => {
      if (transports.size > 0) console.error(`encoded stream of ${consumerId} failed: ${String(e)}`); // after closeAll() it is expected
    });
}

const bench = {
  async load(routerRtpCapabilities: types.RtpCapabilities): Promise<types.RtpCapabilities> {
    device = await Device.factory();
    await device.load({ routerRtpCapabilities });
    tinyKeyframe = await encodeTinyKeyframe();
    return device.recvRtpCapabilities;
  },

  /** One receiver: a fresh receive transport consuming what Node created (paused) for it. */
  async receive(o: { transport: types.TransportOptions; consumers: types.ConsumerOptions[] }): Promise<void> {
    if (!device) throw new Error('load() first');
    // Chromium's flag for encoded insertable streams: every receiver must then be read through them.
    const t = device.createRecvTransport({ ...o.transport, additionalSettings: { encodedInsertableStreams: true } as RTCConfiguration });
    transports.set(t.id, t);
    t.on('connect', ({ dtlsParameters }, ok, fail) => void window.sfuConnect(t.id, dtlsParameters).then(ok, fail));
    t.on('connectionstatechange', (s) => states.set(t.id, s));
    for (const c of o.consumers) {
      const consumer = await t.consume(c);
      if (!consumer.rtpReceiver) throw new Error(`consumer ${c.id} has no RTCRtpReceiver`);
      intercept(c.id, consumer.rtpReceiver);
    }
  },

  frames(): Record<string, number> {
    return Object.fromEntries(frames);
  },

  /** Chromium's own inbound-rtp counters, summed over every receiver of this page. */
  async inbound(): Promise<Record<string, number>> {
    const sum: Record<string, number> = {};
    for (const t of transports.values()) {
      for (const st of (await t.getStats()).values() as IterableIterator<Record<string, unknown>>) {
        if (st['type'] !== 'inbound-rtp') continue;
        for (const k of INBOUND) if (typeof st[k] === 'number') sum[k] = (sum[k] ?? 0) + st[k];
      }
    }
    return sum;
  },

  /** Transport ids whose connection state is not "connected" now, with that state. */
  notConnected(): Record<string, string> {
    return Object.fromEntries([...transports.keys()].map((id) => [id, states.get(id) ?? 'new']).filter(([, s]) => s !== 'connected'));
  },

  closeAll(): void {
    const all = [...transports.values()];
    transports.clear();
    for (const t of all) t.close();
    states.clear();
    frames.clear();
  },
};
window.sfuBench = bench;
