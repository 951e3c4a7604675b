import type { CallId, DeviceId, UserId } from './common.ts';
import type { PushExample, RequestExample } from './examples.ts';
import type { RtpCapabilitiesSchema, SfuPushType, SfuRequestType } from './sfu.ts';
import type { z } from 'zod';

/**
 * The SFU's examples, in the advanced call of examples.ts (CALL2): bob is in the room with his mic
 * and camera; alice, ringing, pre-warms with sfuCapabilities, accepts, joins, sends her camera and
 * receives bob's. Media ids are mediasoup's UUIDs; parameters are what mediasoup 3.27 answers,
 * shortened where a list is long (noted).
 */
interface Story {
  alice: UserId;
  bob: UserId;
  aliceLaptop: DeviceId;
  bobDesktop: DeviceId;
  call: CallId;
  deviceName: (d: DeviceId) => string;
}

const SEND_TRANSPORT = 'b3c1f0e2-7d4a-4c1b-9e8f-2a6d5c4b3a21';
const RECV_TRANSPORT = 'c9e8d7f6-5a4b-4c3d-8e2f-1a0b9c8d7e6f';
const BOB_MIC = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const BOB_CAMERA = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ALICE_CAMERA = '6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a';
const CONSUMER = 'e4d3c2b1-a0f9-4e8d-b7c6-5a4f3e2d1c0b';
const SCREEN_CONSUMER = 'f5e4d3c2-b1a0-4f9e-8d7c-6b5a4f3e2d1c';

const nack = [{ type: 'nack', parameter: '' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb', parameter: '' }, { type: 'transport-cc', parameter: '' }];

/** The router's capabilities, shortened: the real list also has VP9 and two H.264 profiles (each with RTX) and 18 header extensions. */
const ROUTER_CAPS: z.infer<typeof RtpCapabilitiesSchema> = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, rtcpFeedback: [{ type: 'nack', parameter: '' }, { type: 'transport-cc', parameter: '' }], parameters: {}, preferredPayloadType: 100 },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: nack, parameters: { 'x-google-start-bitrate': 1000 }, preferredPayloadType: 101 },
    { kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 102, clockRate: 90000, parameters: { apt: 101 }, rtcpFeedback: [] },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, preferredEncrypt: false, direction: 'sendrecv' },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, preferredEncrypt: false, direction: 'sendrecv' },
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 6, preferredEncrypt: false, direction: 'sendrecv' },
  ],
};

/** alice's camera as Chrome sends it through mediasoup-client: VP8 simulcast, three layers with RTX. */
const CAMERA_PARAMETERS = {
  mid: '1',
  codecs: [
    { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: nack },
    { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
  ],
  headerExtensions: [
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
    { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
  ],
  encodings: [
    { ssrc: 1804289383, rtx: { ssrc: 846930886 }, scalabilityMode: 'L1T3', maxBitrate: 150000, scaleResolutionDownBy: 4 },
    { ssrc: 1681692777, rtx: { ssrc: 1714636915 }, scalabilityMode: 'L1T3', maxBitrate: 500000, scaleResolutionDownBy: 2 },
    { ssrc: 1957747793, rtx: { ssrc: 424238335 }, scalabilityMode: 'L1T3', maxBitrate: 1500000, scaleResolutionDownBy: 1 },
  ],
  rtcp: { cname: 'Yg4l8fJ0hVz3nWQb', reducedSize: true },
};

export function sfuExamples(s: Story): {
  requests: { [T in SfuRequestType]: RequestExample<T> };
  pushes: { [T in SfuPushType]: PushExample<T> };
  senders: { [T in SfuRequestType]: { userId: UserId; deviceId: DeviceId } };
} {
  const callID = s.call;
  const bobMember = { userId: s.bob, deviceId: s.bobDesktop, deviceName: s.deviceName(s.bobDesktop) };
  const bobProducer = (producerId: string, kind: 'audio' | 'video', source: 'mic' | 'camera') => ({ producerId, userId: s.bob, deviceId: s.bobDesktop, kind, source, paused: false, appData: {} });
  const fromAlice = { userId: s.alice, deviceId: s.aliceLaptop };
  return {
    requests: {
      sfuCapabilities: { data: { callID }, result: { rtpCapabilities: ROUTER_CAPS }, note: 'alice, still ringing, loads her Device early (capabilities shortened).' },
      sfuJoin: {
        data: { callID, rtpCapabilities: ROUTER_CAPS },
        result: { rtpCapabilities: ROUTER_CAPS, producers: [bobProducer(BOB_MIC, 'audio', 'mic'), bobProducer(BOB_CAMERA, 'video', 'camera')], members: [bobMember] },
        note: "alice, after accepting, joins with her Device's capabilities; bob is already in, sending his mic and camera.",
      },
      sfuLeave: { data: { callID }, result: {}, note: 'alice leaves the room (her app closes the call window) but not the call.' },
      sfuCreateTransport: {
        data: { callID, direction: 'send' },
        result: {
          transportId: SEND_TRANSPORT,
          iceParameters: { usernameFragment: 'sk4s7exqrwl9od3vfa87ffwaiplkp2qu', password: 'i5oruq307jgjwzlrhi7c3z4lmkzf6u7h', iceLite: true },
          iceCandidates: [
            { foundation: 'udpcandidate', priority: 1076302079, address: '192.168.1.10', protocol: 'udp', port: 40000, type: 'host' },
            { foundation: 'tcpcandidate', priority: 1076276479, address: '192.168.1.10', protocol: 'tcp', port: 40000, type: 'host', tcpType: 'passive' },
          ],
          dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: 'E9:B6:FB:51:68:87:1F:AB:9C:3F:6B:BF:5A:E0:7F:D5:06:98:7F:CB:44:19:62:73:5E:46:DE:65:ED:8A:F1:83' }] },
          // The credential is base64(HMAC-SHA1('example-turn-shared-secret', username)), as coturn checks it.
          iceServers: [{ urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:443?transport=tcp'], username: `1767312000:${s.alice}`, credential: 'KJGHbJojaODFLfIXS3o9/Qz+1ME=' }],
          iceTransportPolicy: 'all',
        },
        note: "alice's send transport: the worker's one UDP and one TCP port, at the announced address (fingerprints shortened to sha-256). This server has TURN configured, so it adds a TURN server with a credential valid for `turn.ttlSec`; without TURN, `iceServers` and `iceTransportPolicy` are absent.",
      },
      sfuConnectTransport: {
        data: { callID, transportId: SEND_TRANSPORT, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD' }] } },
        result: {},
        note: "alice's browser gives its DTLS fingerprint when the transport first sends.",
      },
      sfuRestartIce: {
        data: { callID, transportId: SEND_TRANSPORT },
        result: { iceParameters: { usernameFragment: 'x1zq8b2m7kq0c3v9w5e6r4t2y8u1i0o9', password: 'p3l7k1j9h5g2f8d4s6a0q2w4e6r8t0y1', iceLite: true } },
        note: "alice's network changed: new ICE credentials for the same transport (and, with TURN configured, fresh `iceServers` too, left out here).",
      },
      sfuProduce: {
        data: { callID, transportId: SEND_TRANSPORT, kind: 'video', rtpParameters: CAMERA_PARAMETERS, source: 'camera', paused: false, appData: { label: 'FaceTime HD Camera' } },
        result: { producerId: ALICE_CAMERA },
        note: 'alice sends her camera as simulcast.',
      },
      sfuPauseProducer: { data: { callID, producerId: ALICE_CAMERA }, result: {}, note: 'alice turns her camera off.' },
      sfuResumeProducer: { data: { callID, producerId: ALICE_CAMERA }, result: {}, note: 'and on again.' },
      sfuCloseProducer: { data: { callID, producerId: ALICE_CAMERA }, result: {}, note: 'alice stops her camera for good.' },
      sfuConsume: {
        data: { callID, producerId: BOB_CAMERA },
        result: {
          consumerId: CONSUMER,
          producerId: BOB_CAMERA,
          kind: 'video',
          rtpParameters: {
            codecs: [
              { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: nack.filter((f) => f.type !== 'goog-remb') },
              { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 }, rtcpFeedback: [] },
            ],
            headerExtensions: [
              { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1, encrypt: false, parameters: {} },
              { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 5, encrypt: false, parameters: {} },
            ],
            encodings: [{ ssrc: 803985993, rtx: { ssrc: 803985994 }, scalabilityMode: 'L3T3', maxBitrate: 1500000 }],
            rtcp: { cname: 'Hk2s9dJ4mPq7xRt1', reducedSize: true },
            mid: '0',
          },
          producerPaused: false,
          userId: s.bob,
          deviceId: s.bobDesktop,
          source: 'camera',
          appData: {},
        },
        note: "alice receives bob's camera on her recv transport; the consumer starts paused (header extensions shortened).",
      },
      sfuResumeConsumer: { data: { callID, consumerId: CONSUMER }, result: {}, note: "alice's track for bob's camera is ready: start forwarding." },
      sfuSetPreferredLayers: {
        data: { callID, consumerId: CONSUMER, spatialLayer: 1, temporalLayer: 2 },
        result: {},
        note: "bob's tile on alice's screen is medium-sized: the middle simulcast layer is enough.",
      },
      sfuGetStats: {
        data: { callID, id: RECV_TRANSPORT },
        result: {
          stats: [{ type: 'webrtc-transport', transportId: RECV_TRANSPORT, timestamp: 28523996, bytesReceived: 10422, bytesSent: 1893211, sendBitrate: 1204000, availableOutgoingBitrate: 1600000, iceRole: 'controlled', iceState: 'completed', dtlsState: 'connected' }],
        },
        note: "alice's recv transport (fields shortened).",
      },
    },
    pushes: {
      sfuMemberJoined: { data: { callID, member: { userId: s.alice, deviceId: s.aliceLaptop, deviceName: s.deviceName(s.aliceLaptop) } }, note: 'To bob when alice joins.' },
      sfuMemberLeft: { data: { callID, userId: s.alice, deviceId: s.aliceLaptop }, note: 'To bob when alice quits the call.' },
      sfuNewProducer: {
        data: { callID, producer: { producerId: ALICE_CAMERA, userId: s.alice, deviceId: s.aliceLaptop, kind: 'video', source: 'camera', paused: false, appData: { label: 'FaceTime HD Camera' } } },
        note: "To bob when alice's camera starts: consume it.",
      },
      sfuProducerClosed: { data: { callID, producerId: ALICE_CAMERA }, note: 'To bob when alice closes her camera.' },
      sfuProducerPaused: { data: { callID, producerId: ALICE_CAMERA }, note: 'To bob when alice turns her camera off.' },
      sfuProducerResumed: { data: { callID, producerId: ALICE_CAMERA }, note: 'To bob when it is on again.' },
      sfuConsumerClosed: { data: { callID, consumerId: SCREEN_CONSUMER }, note: "To alice: what she received of bob's screen share ended with it." },
      sfuConsumerLayersChanged: { data: { callID, consumerId: CONSUMER, spatialLayer: 0, temporalLayer: 2 }, note: "To alice: her downlink dropped, so she now gets bob's lowest layer." },
      sfuActiveSpeaker: { data: { callID, userId: s.bob, deviceId: s.bobDesktop }, note: 'To everyone in the room: bob is talking.' },
      sfuRoomClosed: { data: { callID, reason: 'ended' }, note: "To alice's laptop when she quits the call: its transports are already closed." },
    },
    senders: {
      sfuCapabilities: fromAlice,
      sfuJoin: fromAlice,
      sfuLeave: fromAlice,
      sfuCreateTransport: fromAlice,
      sfuConnectTransport: fromAlice,
      sfuRestartIce: fromAlice,
      sfuProduce: fromAlice,
      sfuPauseProducer: fromAlice,
      sfuResumeProducer: fromAlice,
      sfuCloseProducer: fromAlice,
      sfuConsume: fromAlice,
      sfuResumeConsumer: fromAlice,
      sfuSetPreferredLayers: fromAlice,
      sfuGetStats: fromAlice,
    },
  };
}
