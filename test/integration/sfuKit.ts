// SFU scenario helpers: the real worker (never skipped: CI builds it), hand-built RTP parameters a
// browser would send, and a call with everyone Accepted, ready for sfuJoin.
import { expect } from 'vitest';
import { isRingdeskError } from '../../src/shared/errors.ts';
import type { CallId, PushData, RequestInput, RequestResult, RequestType, SfuPushType } from '../../src/shared/protocol/index.ts';
import { connect, once, workerBin, type TestClient, type TestServer } from './harness.ts';

/** Fails the suite with what to do when no worker binary is there: these tests must not pass by skipping. */
export function requireWorker(): string {
  const bin = workerBin();
  if (!bin) {
    throw new Error(
      'no mediasoup worker: set MEDIASOUP_WORKER_BIN, or run `. scripts/setup-mediasoup.sh` (it builds one with tools/mediasoup-worker/build.sh 3.27.1, 3–4 min the first time)',
    );
  }
  return bin;
}

/** The request's error code, or 'ok'. */
export async function codeOf<T extends RequestType>(c: TestClient, type: T, data: RequestInput<T>): Promise<string> {
  try {
    await c.sig.request(type, data);
    return 'ok';
  } catch (e) {
    if (isRingdeskError(e)) return e.code;
    throw e;
  }
}

export const req = <T extends RequestType>(c: TestClient, type: T, data: RequestInput<T>): Promise<RequestResult<T>> => c.sig.request(type, data);

/** Resolves with the next SFU push of `type` this client gets (matching `pred`). */
export async function sfuPush<T extends SfuPushType>(c: TestClient, type: T, ms = 5000): Promise<PushData<T>> {
  const [p] = await once(c.calls, 'sfu', (p) => p.type === type, ms);
  return p.data as PushData<T>; // the predicate let through only pushes of this type
}

/** A DTLS client's parameters: connect() takes them at once; the handshake itself never happens here. */
export const DTLS: RequestInput<'sfuConnectTransport'>['dtlsParameters'] = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD' }],
};

let ssrc = 100_000;
/** What Chrome sends for a microphone (mid and SSRC unique per call of this). */
export function opus(mid: string): RequestInput<'sfuProduce'>['rtpParameters'] {
  return {
    mid,
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc' }] }],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
      { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 10 },
    ],
    encodings: [{ ssrc: ssrc++, dtx: false }],
    rtcp: { cname: 'test-cname', reducedSize: true },
  };
}

/** Camera video as simulcast: three VP8 layers, each with RTX. */
export function vp8Simulcast(mid: string): RequestInput<'sfuProduce'>['rtpParameters'] {
  const layer = (maxBitrate: number, scaleResolutionDownBy: number) => ({ ssrc: ssrc++, rtx: { ssrc: ssrc++ }, scalabilityMode: 'L1T3', maxBitrate, scaleResolutionDownBy });
  return {
    mid,
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'goog-remb' }, { type: 'transport-cc' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }],
      },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
    ],
    encodings: [layer(100_000, 4), layer(300_000, 2), layer(900_000, 1)],
    rtcp: { cname: 'test-cname', reducedSize: true },
  };
}

/** Two users in a started call, both Accepted (bob accepted alice's invitation), on their d1 devices. */
export async function acceptedCall(t: TestServer, mode: 'normal' | 'advanced' = 'advanced', a = 'alice', b = 'bob'): Promise<{ alice: TestClient; bob: TestClient; callID: CallId }> {
  const alice = await connect(t.url, a);
  const bob = await connect(t.url, b);
  const ringing = once(bob.calls, 'callInvitationReceived');
  const { call } = await alice.calls.callInvite([bob.userId], { mode });
  await ringing;
  await bob.calls.callAccept(call.callID);
  return { alice, bob, callID: call.callID };
}

/** Joins with the router's own capabilities (a device that can receive everything the room offers). */
export async function join(c: TestClient, callID: CallId): Promise<RequestResult<'sfuJoin'>> {
  const { rtpCapabilities } = await req(c, 'sfuCapabilities', { callID });
  return req(c, 'sfuJoin', { callID, rtpCapabilities });
}

/** Join, a connected send transport, and one producer per kind (mic, then simulcast camera). */
export async function joinAndSend(c: TestClient, callID: CallId): Promise<{ transportId: string; mic: string; camera: string }> {
  await join(c, callID);
  const { transportId } = await req(c, 'sfuCreateTransport', { callID, direction: 'send' });
  await req(c, 'sfuConnectTransport', { callID, transportId, dtlsParameters: DTLS });
  const mic = await req(c, 'sfuProduce', { callID, transportId, kind: 'audio', source: 'mic', rtpParameters: opus('0') });
  const camera = await req(c, 'sfuProduce', { callID, transportId, kind: 'video', source: 'camera', rtpParameters: vp8Simulcast('1') });
  return { transportId, mic: mic.producerId, camera: camera.producerId };
}

/** The server and its worker are up: a heartbeat is answered and the worker answers a dump. */
export async function expectAlive(t: TestServer, c: TestClient): Promise<void> {
  await expect(c.sig.request('heartbeat', {})).resolves.toMatchObject({ serverTime: expect.any(Number) });
  const pool = t.server.services.sfu.pool;
  expect(pool?.workers.length).toBe(1);
  const w = pool?.workers[0]?.worker;
  expect(w?.closed).toBe(false);
  await expect(w?.dump()).resolves.toMatchObject({ pid: w?.pid });
}
