// bench:sfu's receivers. A receiver is one transport on the worker consuming one or two producers.
// `plain`: a PlainTransport with SRTP sending to a loopback port nobody reads (the worker encrypts per
// receiver, but nobody answers: no ICE, no DTLS, no RTCP). `webrtc`: a WebRtcTransport on the worker's
// WebRtcServer, as the app's rooms create them, with a real Chromium peer (bench/sfu/webrtc.ts).
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';

export type TransportKind = 'plain' | 'webrtc';

export interface Receivers {
  readonly transport: TransportKind;
  /** Adds `count` receivers, each consuming every producer given; resolves when all consumers are resumed. */
  add(count: number, producers: types.Producer[]): Promise<void>;
  readonly consumers: readonly types.Consumer[];
  readonly transports: readonly (types.WebRtcTransport | types.PlainTransport)[];
  /** Encoded frames each consumer's receiver has seen so far, by consumer id; null when nobody receives (plain). */
  framesSeen(): Promise<Map<string, number> | null>;
  /** Chromium's own inbound-rtp counters summed over every receiver (null for plain: nobody receives). */
  chromiumInbound(): Promise<Record<string, number> | null>;
  /** Transports whose peer is not connected, with the peer's state (empty for plain: there is no peer). */
  notConnected(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export function plainReceivers(router: types.Router, sinkPort: number): Receivers {
  const transports: types.PlainTransport[] = [];
  const consumers: types.Consumer[] = [];
  return {
    transport: 'plain',
    consumers,
    transports,
    async add(count, producers) {
      for (let i = 0; i < count; i++) {
        const t = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: true,
          comedia: false,
          enableSrtp: true,
          srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
        });
        transports.push(t);
        await t.connect({ ip: '127.0.0.1', port: sinkPort, srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') } });
        for (const p of producers) consumers.push(await t.consume({ producerId: p.id, rtpCapabilities: router.rtpCapabilities }));
      }
    },
    framesSeen: () => Promise.resolve(null),
    chromiumInbound: () => Promise.resolve(null),
    notConnected: () => Promise.resolve(new Map()),
    async close() {
      for (const t of transports) t.close();
      transports.length = 0;
      consumers.length = 0;
    },
  };
}
