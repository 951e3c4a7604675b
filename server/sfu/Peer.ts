import type { types } from 'mediasoup';
import type { DeviceId, MediaSource, ProducerInfo, UserId } from '../../src/shared/protocol/index.ts';

export interface ProducerEntry {
  producer: types.Producer;
  source: MediaSource;
  /** The client's appData, as it sent it (bounded by the schema); shown to the others. */
  appData: ProducerInfo['appData'];
}

export interface TransportEntry {
  transport: types.WebRtcTransport;
  direction: 'send' | 'recv';
}

/**
 * One member's device in a room and what it owns: transports, producers and consumers. Closing
 * the peer closes its transports, and mediasoup closes their producers and consumers with them.
 */
export class Peer {
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  readonly deviceName: string;
  readonly rtpCapabilities: types.RtpCapabilities;
  readonly transports = new Map<string, TransportEntry>();
  readonly producers = new Map<string, ProducerEntry>();
  readonly consumers = new Map<string, types.Consumer>();
  /**
   * A ringing invitee's device, pre-warming: it may hold transports, producers and consumers, but
   * the server keeps every one of them paused until its user accepts on it (Room.promote).
   */
  pending = false;
  /** What this ringing device asked to run once it is answered: producer and consumer ids (Room.promote resumes them). */
  readonly onAnswer = new Set<string>();
  #closed = false;

  constructor(userId: UserId, deviceId: DeviceId, deviceName: string, rtpCapabilities: types.RtpCapabilities) {
    this.userId = userId;
    this.deviceId = deviceId;
    this.deviceName = deviceName;
    this.rtpCapabilities = rtpCapabilities;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The newest recv transport: consumers go there (an older one is a reconnect's leftover). */
  recvTransport(): types.WebRtcTransport | undefined {
    let last: types.WebRtcTransport | undefined;
    for (const t of this.transports.values()) if (t.direction === 'recv') last = t.transport;
    return last;
  }

  info(p: ProducerEntry): ProducerInfo {
    return {
      producerId: p.producer.id,
      userId: this.userId,
      deviceId: this.deviceId,
      kind: p.producer.kind,
      source: p.source,
      paused: p.producer.paused,
      appData: p.appData,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.transports.values()) t.transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
