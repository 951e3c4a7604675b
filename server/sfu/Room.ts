import type { types } from 'mediasoup';
import { errorMessage, RingdeskError } from '../../src/shared/errors.ts';
import type { Media } from '../../src/shared/ipc/callMeta.ts';
import {
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  SFU_LIMITS,
  type CallId,
  type DeviceId,
  type RequestData,
  type RequestResult,
  type SfuPush,
  type UserId,
} from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import { ActiveSpeaker, SPEAKER_INTERVAL_MS } from './ActiveSpeaker.ts';
import { MEDIA_CODECS } from './mediaCodecs.ts';
import { mediasoupCall, toWire } from './mediaErrors.ts';
import { Peer, type ProducerEntry } from './Peer.ts';
import type { SfuConfig } from './SfuConfig.ts';
import type { PooledWorker } from './WorkerPool.ts';

const log = new Logger('Room');

/** Why a device is put out of the room (the sfuRoomClosed reasons). */
export type RoomCloseReason = 'ended' | 'moved' | 'workerDied' | 'serverRestart';
/** How a room reaches one device: the service sends it through the session registry. */
export type Notify = (userId: UserId, deviceId: DeviceId, push: SfuPush) => void;

const SOURCE_KIND = { mic: 'audio', camera: 'video', screen: 'video' } as const;

/**
 * One call's SFU room: a Router on one worker, the members' devices in it (one per user, the main
 * device) and its ActiveSpeaker. Owns the pushes about media; authorization is the service's.
 */
export class Room {
  readonly callID: CallId;
  readonly worker: PooledWorker;
  readonly router: types.Router;
  readonly #speaker: ActiveSpeaker;
  readonly #notify: Notify;
  readonly #config: SfuConfig;
  readonly #peers = new Map<UserId, Peer>();
  /** Ringing devices pre-warming, by `userId/deviceId` (several devices of one user may ring). */
  readonly #pending = new Map<string, Peer>();
  #closed = false;

  private constructor(callID: CallId, worker: PooledWorker, router: types.Router, observer: types.ActiveSpeakerObserver, notify: Notify, config: SfuConfig) {
    this.callID = callID;
    this.worker = worker;
    this.router = router;
    this.#notify = notify;
    this.#config = config;
    this.#speaker = new ActiveSpeaker(observer, {
      callID,
      notify,
      isClosed: () => this.#closed,
      ownerOf: (producerId) => this.#ownerOf(producerId),
      members: () => this.#peers.values(),
    });
  }

  static async create(callID: CallId, worker: PooledWorker, notify: Notify, config: SfuConfig): Promise<Room> {
    const router = await worker.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { callID } });
    const observer = await router.createActiveSpeakerObserver({ interval: SPEAKER_INTERVAL_MS });
    worker.rooms++;
    log.child({ callID }).debug('create() [worker:%d]', worker.index);
    return new Room(callID, worker, router, observer, notify, config);
  }

  get closed(): boolean {
    return this.#closed;
  }
  get peers(): ReadonlyMap<UserId, Peer> {
    return this.#peers;
  }

  peer(userId: UserId, deviceId: DeviceId): Peer | undefined {
    const p = this.#peers.get(userId);
    return p?.deviceId === deviceId ? p : undefined;
  }

  /** A ringing device's producers count: the members consume them, paused, while it rings. */
  #ownerOf(producerId: string): Peer | undefined {
    return [...this.#peers.values(), ...this.#pending.values()].find((p) => p.producers.has(producerId));
  }

  /** Everyone else, ringing devices included: they keep their list of producers current for the answer. */
  #others(except: UserId, push: SfuPush): void {
    for (const p of this.#peers.values()) if (p.userId !== except) this.#notify(p.userId, p.deviceId, push);
    for (const p of this.#pending.values()) if (p.userId !== except) this.#notify(p.userId, p.deviceId, push);
  }

  /** The members only: what a ringing device prepares is shown to them, never to the other ringing devices. */
  #members(except: UserId, push: SfuPush): void {
    for (const p of this.#peers.values()) if (p.userId !== except) this.#notify(p.userId, p.deviceId, push);
  }

  get pending(): ReadonlyMap<string, Peer> {
    return this.#pending;
  }
  pendingPeer(userId: UserId, deviceId: DeviceId): Peer | undefined {
    return this.#pending.get(`${userId}/${deviceId}`);
  }

  /**
   * A ringing invitee's device enters to pre-warm: it gets the members and their producers, and
   * may consume them, but the server holds all it makes paused until promote(). The members hear
   * of its producers (paused) so they can consume them ahead too; it is a member only once promoted.
   */
  joinPending(userId: UserId, deviceId: DeviceId, deviceName: string, rtpCapabilities: types.RtpCapabilities): RequestResult<'sfuJoin'> {
    this.removePending(userId, deviceId, null);
    const peer = new Peer(userId, deviceId, deviceName, rtpCapabilities);
    peer.pending = true;
    this.#pending.set(`${userId}/${deviceId}`, peer);
    return { ...this.#state(false), answerStartsMedia: true };
  }

  /**
   * The user answered on this device: its pre-warmed peer becomes the member's device in the room,
   * and what it asked to run while ringing (its consumers, its unpaused producers; its camera only
   * for a video answer) resumes now, without another round trip. The user's other ringing devices
   * are put out. False when this device had not pre-warmed.
   */
  promote(userId: UserId, deviceId: DeviceId, answer: Media): boolean {
    const peer = this.pendingPeer(userId, deviceId);
    if (!peer) return false;
    this.#pending.delete(`${userId}/${deviceId}`);
    for (const p of [...this.#pending.values()]) if (p.userId === userId) this.removePending(userId, p.deviceId, 'moved');
    if (this.#peers.has(userId)) this.removePeer(userId, null);
    peer.pending = false;
    this.#peers.set(userId, peer);
    this.#others(userId, { type: 'sfuMemberJoined', data: { callID: this.callID, member: { userId, deviceId, deviceName: peer.deviceName } } });
    for (const entry of peer.producers.values()) {
      this.#speaker.add(entry.producer);
      // The members heard of it when it was made; other ringing devices hear of it now.
      const push: SfuPush = { type: 'sfuNewProducer', data: { callID: this.callID, producer: peer.info(entry) } };
      for (const p of this.#pending.values()) if (p.userId !== userId) this.#notify(p.userId, p.deviceId, push);
    }
    this.#runAnswered(peer, answer);
    this.#speaker.tell(peer);
    return true;
  }

  /**
   * Resumes what the promoted device asked to run while it rang; the others hear its producers
   * resume. An audio answer leaves the camera paused (the app then stops sending it): a camera must
   * never go out because the call rang as a video call.
   */
  #runAnswered(peer: Peer, answer: Media): void {
    const ids = [...peer.onAnswer];
    peer.onAnswer.clear();
    const failed = (e: unknown): void => log.child({ callID: this.callID }).warn('resume on answer failed: %s', errorMessage(e));
    for (const id of ids) {
      const consumer = peer.consumers.get(id);
      if (consumer) void mediasoupCall('resumeConsumer', () => consumer.resume()).catch(failed);
      else if (peer.producers.get(id)?.source === 'camera' && answer !== 'video') continue;
      else if (peer.producers.has(id)) this.setProducerPaused(peer, id, false).catch(failed);
    }
  }

  /** Puts a pre-warming device out (`deviceId` null: all of the user's); `reason` null: it left by itself. */
  removePending(userId: UserId, deviceId: DeviceId | null, reason: RoomCloseReason | null): void {
    for (const [key, p] of [...this.#pending]) {
      if (p.userId !== userId || (deviceId !== null && p.deviceId !== deviceId)) continue;
      this.#pending.delete(key);
      if (reason) this.#notify(p.userId, p.deviceId, { type: 'sfuRoomClosed', data: { callID: this.callID, reason } });
      p.close();
    }
  }

  #ringingProducers(): number {
    let n = 0;
    for (const p of this.#pending.values()) n += p.producers.size;
    return n;
  }

  /** What a joining device is told: the members, and the producers it may consume (a member's also the ringing devices'). */
  #state(member: boolean): RequestResult<'sfuJoin'> {
    const owners = member ? [...this.#peers.values(), ...this.#pending.values()] : [...this.#peers.values()];
    const producers = owners.flatMap((p) => [...p.producers.values()].map((e) => p.info(e)));
    const members = [...this.#peers.values()].map((p) => ({ userId: p.userId, deviceId: p.deviceId, deviceName: p.deviceName }));
    return { rtpCapabilities: toWire(RtpCapabilitiesSchema, this.router.rtpCapabilities, 'rtpCapabilities'), producers, members };
  }

  /** Adds the device; a device already in the room (a reconnect) starts over with nothing. */
  join(userId: UserId, deviceId: DeviceId, deviceName: string, rtpCapabilities: types.RtpCapabilities): RequestResult<'sfuJoin'> {
    if (this.#peers.has(userId)) this.removePeer(userId, null);
    this.removePending(userId, deviceId, null);
    const peer = new Peer(userId, deviceId, deviceName, rtpCapabilities);
    const state = this.#state(true);
    this.#peers.set(userId, peer);
    this.#others(userId, { type: 'sfuMemberJoined', data: { callID: this.callID, member: { userId, deviceId, deviceName } } });
    this.#speaker.tell(peer);
    return state;
  }

  /**
   * Takes a member's device out: its transports close (and with them its producers, which the
   * others hear about). `reason` null: the device left by itself and needs no sfuRoomClosed.
   */
  removePeer(userId: UserId, reason: RoomCloseReason | null): void {
    const peer = this.#peers.get(userId);
    if (!peer) return;
    this.#peers.delete(userId);
    if (reason) this.#notify(peer.userId, peer.deviceId, { type: 'sfuRoomClosed', data: { callID: this.callID, reason } });
    peer.close();
    this.#others(userId, { type: 'sfuMemberLeft', data: { callID: this.callID, userId, deviceId: peer.deviceId } });
  }

  async createTransport(peer: Peer, direction: 'send' | 'recv'): Promise<RequestResult<'sfuCreateTransport'>> {
    if (peer.transports.size >= SFU_LIMITS.maxTransportsPerMember) {
      throw new RingdeskError('media_limit', `at most ${SFU_LIMITS.maxTransportsPerMember} transports per member`);
    }
    const transport = await mediasoupCall('createTransport', () =>
      this.router.createWebRtcTransport({
        webRtcServer: this.worker.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: this.#config.initialAvailableOutgoingBitrate,
        appData: { userId: peer.userId, direction },
      }),
    );
    keepFor(peer, transport);
    if (direction === 'send') {
      // Without the cap the device's uplink is uncapped, not broken: say so and go on.
      await transport.setMaxIncomingBitrate(this.#config.maxIncomingBitrate).catch((e: unknown) => log.warn('call %s: no incoming bitrate cap on %s: %s', this.callID, transport.id, errorMessage(e)));
    }
    peer.transports.set(transport.id, { transport, direction });
    transport.observer.on('close', () => peer.transports.delete(transport.id));
    return { transportId: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
  }

  async produce(peer: Peer, d: RequestData<'sfuProduce'>): Promise<RequestResult<'sfuProduce'>> {
    const t = peer.transports.get(d.transportId);
    if (!t) throw new RingdeskError('media_not_found', `no transport ${d.transportId} of yours in this room`);
    if (t.direction !== 'send') throw new RingdeskError('media_rejected', 'produce on a send transport');
    if (SOURCE_KIND[d.source] !== d.kind) throw new RingdeskError('media_rejected', `source ${d.source} must be ${SOURCE_KIND[d.source]}`);
    if (peer.producers.size >= SFU_LIMITS.maxProducersPerMember) {
      throw new RingdeskError('media_limit', `at most ${SFU_LIMITS.maxProducersPerMember} producers per member`);
    }
    if (peer.pending && this.#ringingProducers() >= SFU_LIMITS.maxRingingProducersPerRoom) {
      throw new RingdeskError('media_limit', `the ringing devices of a call produce at most ${SFU_LIMITS.maxRingingProducersPerRoom} tracks together; answer first`);
    }
    const held = peer.pending;
    const producer = await mediasoupCall('produce', () =>
      t.transport.produce({
        kind: d.kind,
        // Shape checked by RtpParametersSchema; mediasoup's ortc checks the meaning and throws TypeError.
        rtpParameters: d.rtpParameters as unknown as types.RtpParameters,
        paused: d.paused || held,
        appData: { source: d.source },
      }),
    );
    keepFor(peer, producer);
    const entry: ProducerEntry = { producer, source: d.source, appData: d.appData };
    peer.producers.set(producer.id, entry);
    producer.observer.on('close', () => this.#onProducerClosed(peer, producer.id));
    if (peer.pending) {
      // Held paused while ringing; what was asked unpaused runs once answered. The members consume it ahead.
      if (!d.paused) peer.onAnswer.add(producer.id);
      this.#members(peer.userId, { type: 'sfuNewProducer', data: { callID: this.callID, producer: peer.info(entry) } });
      return { producerId: producer.id };
    }
    // Answered while it was being made: run it as asked before the others hear of it.
    if (held && !d.paused) await mediasoupCall('resumeProducer', () => producer.resume());
    this.#speaker.add(producer);
    this.#others(peer.userId, { type: 'sfuNewProducer', data: { callID: this.callID, producer: peer.info(entry) } });
    return { producerId: producer.id };
  }

  #onProducerClosed(peer: Peer, producerId: string): void {
    peer.producers.delete(producerId);
    peer.onAnswer.delete(producerId);
    if (this.#closed) return;
    const push: SfuPush = { type: 'sfuProducerClosed', data: { callID: this.callID, producerId } };
    if (peer.pending) return this.#members(peer.userId, push); // only they were told of it
    this.#others(peer.userId, push);
    this.#speaker.producerClosed(producerId);
  }

  producer(peer: Peer, producerId: string): types.Producer {
    const p = peer.producers.get(producerId);
    if (!p) throw new RingdeskError('media_not_found', `no producer ${producerId} of yours in this room`);
    return p.producer;
  }

  /** A ringing device's producer stays paused: resuming it only means "when I answer" (promote). */
  async setProducerPaused(peer: Peer, producerId: string, paused: boolean): Promise<void> {
    const producer = this.producer(peer, producerId);
    if (peer.pending) {
      if (paused) peer.onAnswer.delete(producerId);
      else peer.onAnswer.add(producerId);
      return;
    }
    await mediasoupCall(paused ? 'pauseProducer' : 'resumeProducer', () => (paused ? producer.pause() : producer.resume()));
    this.#others(peer.userId, { type: paused ? 'sfuProducerPaused' : 'sfuProducerResumed', data: { callID: this.callID, producerId } });
  }

  async consume(peer: Peer, producerId: string): Promise<RequestResult<'sfuConsume'>> {
    const owner = this.#ownerOf(producerId);
    const entry = owner?.producers.get(producerId);
    if (!owner || !entry) throw new RingdeskError('media_not_found', `no producer ${producerId} in this room`);
    const transport = peer.recvTransport();
    if (!transport) throw new RingdeskError('media_not_found', 'create a recv transport first');
    if (peer.consumers.size >= SFU_LIMITS.maxConsumersPerMember) {
      throw new RingdeskError('media_limit', `at most ${SFU_LIMITS.maxConsumersPerMember} consumers per member`);
    }
    if (!this.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) {
      throw new RingdeskError('media_rejected', 'your rtpCapabilities (from sfuJoin) cannot receive this producer');
    }
    // Paused until the client says it is ready, so the first packets are not lost before its track exists.
    const consumer = await mediasoupCall('consume', () => transport.consume({ producerId, rtpCapabilities: peer.rtpCapabilities, paused: true }));
    keepFor(peer, consumer);
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.on('close', () => {
      peer.consumers.delete(consumer.id);
      peer.onAnswer.delete(consumer.id);
    });
    consumer.on('producerclose', () => {
      if (!this.#closed && !peer.closed) this.#notify(peer.userId, peer.deviceId, { type: 'sfuConsumerClosed', data: { callID: this.callID, consumerId: consumer.id } });
    });
    consumer.on('layerschange', (layers) => {
      if (this.#closed || peer.closed) return;
      this.#notify(peer.userId, peer.deviceId, {
        type: 'sfuConsumerLayersChanged',
        data: { callID: this.callID, consumerId: consumer.id, spatialLayer: layers?.spatialLayer ?? null, temporalLayer: layers?.temporalLayer ?? null },
      });
    });
    return {
      consumerId: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: toWire(RtpParametersSchema, consumer.rtpParameters, 'consumer rtpParameters'),
      producerPaused: consumer.producerPaused,
      userId: owner.userId,
      deviceId: owner.deviceId,
      source: entry.source,
      appData: entry.appData,
    };
  }

  /** A ringing device's consumer stays paused until it answers (promote); a member's resumes now. */
  async resumeConsumer(peer: Peer, consumerId: string): Promise<void> {
    const c = this.consumer(peer, consumerId);
    if (peer.pending) {
      peer.onAnswer.add(c.id);
      return;
    }
    await mediasoupCall('resumeConsumer', () => c.resume());
  }

  consumer(peer: Peer, consumerId: string): types.Consumer {
    const c = peer.consumers.get(consumerId);
    if (!c) throw new RingdeskError('media_not_found', `no consumer ${consumerId} of yours in this room`);
    return c;
  }

  transport(peer: Peer, transportId: string): types.WebRtcTransport {
    const t = peer.transports.get(transportId);
    if (!t) throw new RingdeskError('media_not_found', `no transport ${transportId} of yours in this room`);
    return t.transport;
  }

  /** mediasoup's stats for one object the peer owns. */
  async stats(peer: Peer, id: string): Promise<RequestResult<'sfuGetStats'>> {
    const target = peer.transports.get(id)?.transport ?? peer.producers.get(id)?.producer ?? peer.consumers.get(id);
    if (!target) throw new RingdeskError('media_not_found', `no transport, producer or consumer ${id} of yours in this room`);
    const stats: unknown[] = await mediasoupCall('getStats', (): Promise<unknown[]> => target.getStats());
    // Stats are flat records of numbers and strings; JSON keeps exactly what goes on the wire.
    return { stats: stats.slice(0, 64).map((s) => JSON.parse(JSON.stringify(s)) as Record<string, unknown>) };
  }

  /** Closes the router; every device still in the room is told why. Safe to call twice. */
  close(reason: RoomCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of [...this.#peers.values(), ...this.#pending.values()]) {
      this.#notify(p.userId, p.deviceId, { type: 'sfuRoomClosed', data: { callID: this.callID, reason } });
      p.close();
    }
    this.#peers.clear();
    this.#pending.clear();
    this.router.close();
    this.worker.rooms--;
    log.child({ callID: this.callID }).debug('close() [reason:%s]', reason);
  }
}

/** The peer may have been put out while the worker answered: then what it made goes, and it is told. */
function keepFor(peer: Peer, made: { close(): void }): void {
  if (!peer.closed) return;
  made.close();
  throw new RingdeskError('media_forbidden', 'you left the room');
}
