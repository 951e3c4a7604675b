import type { types } from 'mediasoup-client';
import type { CallId, DeviceId, UserId } from '../../../shared/protocol/common.ts';
import type { ProducerInfo } from '../../../shared/protocol/sfu.ts';
import { PreferredLayers, type SpatialLayer } from './layers.ts';
import type { ConsumerLayers, RemoteStream, StreamReport } from './roomTypes.ts';
import type { SfuPort } from './sfuPort.ts';

/** What the consumers need from their room: the recv transport and epoch of the current join, and where to report. */
export interface ConsumersHost {
  port: SfuPort;
  callID: CallId;
  recv(): types.Transport | null;
  epoch(): number;
  onRemotes(remotes: RemoteStream[]): void;
  onLayers(layers: Record<string, ConsumerLayers>): void;
  /** Whether a device's streams may be shown: a ringing device's are consumed ahead but hidden until it joins. */
  shown(userId: UserId, deviceId: DeviceId): boolean;
  report(e: unknown): void;
}

interface Entry {
  consumer: types.Consumer;
  info: RemoteStream;
  layers: ConsumerLayers;
}

/** Only cameras are sent as simulcast (a screen share is one layer), so only they have layers to pick. */
const layered = (info: RemoteStream): boolean => info.kind === 'video' && info.source === 'camera';

/**
 * The receiving half of a RoomClient: the remote producers in the room, a consumer for each, their
 * pause flags and simulcast layers. Consumers live on the room's current recv transport; a rejoin
 * clears them all and consumes again.
 */
export class Consumers {
  readonly #h: ConsumersHost;
  readonly #entries = new Map<string, Entry>();
  /** Remote producers in the room, consumed or about to be. */
  readonly #remote = new Map<string, ProducerInfo>();
  readonly #consuming = new Set<string>();
  /**
   * The last pause push for a producer received since its consume was sent. The consume's answer
   * carries the producer's state when the server answered it, but the answer and the pushes reach
   * this page by different relays, so either may arrive first. The last push received is never
   * older than the answer's state: if every such push was made before the answer, the last one
   * equals that state; if one was made after (a pre-warmed callee's camera resumed on Accept), it
   * is newer. So it wins, and the answer counts only when no push came.
   */
  readonly #pushedPause = new Map<string, boolean>();
  readonly #preferred: PreferredLayers;

  constructor(host: ConsumersHost) {
    this.#h = host;
    this.#preferred = new PreferredLayers((consumerId, spatialLayer) => {
      const e = this.#entries.get(consumerId);
      if (e) this.#setLayers(e, { ...e.layers, preferred: spatialLayer });
      this.#h.port.request('sfuSetPreferredLayers', { callID: this.#h.callID, consumerId, spatialLayer }).catch((err: unknown) => this.#h.report(err));
    });
  }

  /** A producer someone else has in the room (from the join's answer or sfuNewProducer). */
  add(p: ProducerInfo): void {
    this.#remote.set(p.producerId, p);
  }

  /** Consumes every known remote producer not consumed yet (after a join). */
  consumeAll(epoch: number): void {
    for (const p of this.#remote.values()) void this.consume(p, epoch);
  }

  async consume(p: ProducerInfo, epoch: number): Promise<void> {
    const recv = this.#h.recv();
    // Keyed by join: a consume still in flight from a superseded join must not block this one.
    const key = `${epoch}/${p.producerId}`;
    if (this.#consuming.has(key) || !recv || [...this.#entries.values()].some((e) => e.info.producerId === p.producerId)) return;
    this.#consuming.add(key);
    this.#pushedPause.delete(p.producerId); // what came before this request, the server's answer includes
    try {
      const { port, callID } = this.#h;
      const r = await port.request('sfuConsume', { callID, producerId: p.producerId });
      const now = this.#h.recv();
      if (epoch !== this.#h.epoch() || !now || !this.#remote.has(p.producerId)) return;
      // The server's mediasoup consumer parameters, shape-checked by the protocol schema.
      const rtpParameters = r.rtpParameters as types.RtpParameters;
      const consumer = await now.consume({ id: r.consumerId, producerId: r.producerId, kind: r.kind, rtpParameters });
      if (epoch !== this.#h.epoch() || !this.#remote.has(p.producerId)) return consumer.close();
      const paused = this.#pushedPause.get(r.producerId) ?? r.producerPaused;
      this.#pushedPause.delete(r.producerId);
      const info: RemoteStream = { consumerId: r.consumerId, producerId: r.producerId, userId: r.userId, deviceId: r.deviceId, kind: r.kind, source: r.source, paused };
      this.#entries.set(consumer.id, { consumer, info, layers: { preferred: null, spatial: null, temporal: null } });
      consumer.on('transportclose', () => this.drop(consumer.id));
      this.#emitRemotes();
      await port.request('sfuResumeConsumer', { callID, consumerId: consumer.id });
    } catch (e) {
      this.#h.report(e);
    } finally {
      this.#consuming.delete(key);
    }
  }

  track(consumerId: string): MediaStreamTrack | null {
    return this.#entries.get(consumerId)?.consumer.track ?? null;
  }

  /** Every video received now, shown or not yet (a ringing device's), by consumer id. */
  videoTracks(): Map<string, MediaStreamTrack> {
    const out = new Map<string, MediaStreamTrack>();
    for (const [id, e] of this.#entries) if (e.info.kind === 'video') out.set(id, e.consumer.track);
    return out;
  }

  /** The tile showing `consumerId` fits `layer` now; asks the SFU only when that changed. */
  preferLayer(consumerId: string, layer: SpatialLayer): void {
    const e = this.#entries.get(consumerId);
    if (e && layered(e.info)) this.#preferred.prefer(consumerId, layer);
  }

  /** sfuConsumerLayersChanged: what the SFU forwards now. */
  layersChanged(consumerId: string, spatial: number | null, temporal: number | null): void {
    const e = this.#entries.get(consumerId);
    if (e) this.#setLayers(e, { ...e.layers, spatial, temporal });
  }

  setProducerPaused(producerId: string, paused: boolean): void {
    let applied = false;
    for (const e of this.#entries.values()) {
      if (e.info.producerId !== producerId) continue;
      e.info = { ...e.info, paused };
      applied = true;
    }
    // No consumer yet: its consume may be in flight; consume() applies this when the consumer exists.
    if (!applied && this.#remote.has(producerId)) this.#pushedPause.set(producerId, paused);
    this.#emitRemotes();
  }

  producerGone(producerId: string): void {
    this.#remote.delete(producerId);
    this.#pushedPause.delete(producerId);
    for (const [id, e] of this.#entries) if (e.info.producerId === producerId) this.drop(id);
  }

  memberLeft(userId: UserId, deviceId: DeviceId): void {
    for (const [id, p] of this.#remote) if (p.userId === userId && p.deviceId === deviceId) this.producerGone(id);
  }

  drop(consumerId: string): void {
    const e = this.#entries.get(consumerId);
    if (!e) return;
    this.#entries.delete(consumerId);
    this.#preferred.forget(consumerId);
    e.consumer.close();
    this.#emitRemotes();
    if (layered(e.info)) this.#emitLayers();
  }

  /** Forgets everything (the transports were closed, and the consumers with them). */
  clear(): void {
    this.#entries.clear();
    this.#remote.clear();
    this.#pushedPause.clear();
    this.#preferred.clear();
    this.#emitRemotes();
    this.#emitLayers();
  }

  reports(): Promise<StreamReport | null>[] {
    return [...this.#entries.values()].map(({ consumer, info }) =>
      consumer.getStats().then(
        (report) => ({ key: info.consumerId, direction: 'in' as const, kind: info.kind, source: info.source, userId: info.userId, report }),
        () => null,
      ),
    );
  }

  #setLayers(e: Entry, layers: ConsumerLayers): void {
    e.layers = layers;
    this.#emitLayers();
  }

  /** A device was let in: its streams, consumed while it rang, may show now. */
  shownChanged(): void {
    this.#emitRemotes();
  }

  #emitRemotes(): void {
    this.#h.onRemotes([...this.#entries.values()].map((e) => e.info).filter((r) => this.#h.shown(r.userId, r.deviceId)));
  }

  #emitLayers(): void {
    const out: Record<string, ConsumerLayers> = {};
    for (const [id, e] of this.#entries) if (layered(e.info)) out[id] = e.layers;
    this.#h.onLayers(out);
  }
}
