// The bare mediasoup path's browser half, for bench/floor/floor.ts: mediasoup-client alone (no
// Ringdesk code), bundled on the fly and driven from Node. The send side produces the fake camera
// the way the app does (640×360 at 24 fps, three VP8 simulcast layers); the receive side consumes it
// on a fresh transport and notes when the first frame is decoded.
import { Device, type types } from 'mediasoup-client';

type Signal = (what: string, data: unknown) => Promise<unknown>;
declare global {
  interface Window {
    floorSignal: Signal;
    floor: typeof floor;
  }
}

let device: Device | null = null;
let send: types.Transport | null = null;
let recv: types.Transport | null = null;
const dev = (): Device => {
  if (!device) throw new Error('load() first');
  return device;
};

const floor = {
  async load(routerRtpCapabilities: types.RtpCapabilities): Promise<types.RtpCapabilities> {
    device = await Device.factory();
    await device.load({ routerRtpCapabilities });
    return device.recvRtpCapabilities;
  },
  async produceCamera(opts: types.TransportOptions): Promise<void> {
    send = dev().createSendTransport(opts);
    send.on('connect', ({ dtlsParameters }, ok, fail) => void window.floorSignal('connect', { id: send?.id, dtlsParameters }).then(() => ok(), fail));
    send.on('produce', ({ kind, rtpParameters }, ok, fail) => void window.floorSignal('produce', { id: send?.id, kind, rtpParameters }).then((id) => ok({ id: String(id) }), fail));
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } } });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new Error('no camera');
    const vp8 = dev().rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
    await send.produce({
      track,
      encodings: [
        { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
        { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
        { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
      ],
      ...(vp8 ? { codec: vp8 } : {}),
    });
  },
  /** A fresh receive transport, not connected yet (it connects with its first consumer, as in the app). */
  recvTransport(opts: types.TransportOptions): void {
    recv?.close();
    document.querySelector('video')?.remove();
    recv = dev().createRecvTransport(opts);
    recv.on('connect', ({ dtlsParameters }, ok, fail) => void window.floorSignal('connect', { id: recv?.id, dtlsParameters }).then(() => ok(), fail));
  },
  /** Consumes, then watches for the first decoded frame; returns when that was (performance.timeOrigin based). */
  async consume(opts: types.ConsumerOptions): Promise<number> {
    if (!recv) throw new Error('recvTransport() first');
    const consumer = await recv.consume(opts);
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.srcObject = new MediaStream([consumer.track]);
    document.body.append(video);
    await window.floorSignal('resume', { id: consumer.id });
    return new Promise<number>((resolve) => {
      const id = setInterval(() => {
        if (video.videoWidth > 0) {
          clearInterval(id);
          resolve(performance.timeOrigin + performance.now());
        }
      }, 2);
    });
  },
};
window.floor = floor;
