import { Device, type types } from 'mediasoup-client';
import { assertNever } from '../../../shared/assertNever.ts';
import { TypedEmitter } from '../../../shared/events.ts';
import type { SfuPushEvent, SfuRequestInput } from '../../../shared/ipc/sfu.ts';
import type { CallId, DeviceId, UserId } from '../../../shared/protocol/common.ts';
import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import type { ConsumerLayers, Published, RemoteStream, RoomCloseReason, RoomEvents, RoomMember, RoomState, StreamReport } from './roomTypes.ts';
import { Consumers } from './Consumers.ts';
import { IceWatch } from './IceWatch.ts';
import type { SpatialLayer } from './layers.ts';
import { loadDevice } from './loadDevice.ts';
import { Producers } from './Producers.ts';
import { createTransport } from './transport.ts';
import type { SfuPort } from './sfuPort.ts';

export type { ConsumerLayers, Published, RemoteStream, RoomCloseReason, RoomEvents, RoomMember, RoomState, StreamReport };
export { loadDevice };

export interface RoomOptions {
  port: SfuPort;
  callID: CallId;
  me: { userId: UserId; deviceId: DeviceId };
  /** A Device already loaded while the call rang (pre-warm). */
  device?: Promise<Device>;
  /** Tests use mediasoup-client's FakeHandler. */
  createDevice?: () => Promise<Device>;
  /**
   * Pre-warm while the call rings: join, create both transports, produce and consume, all held
   * paused by the server until this device answers; activate() then only resumes (SfuService).
   */
  pending?: boolean;
}

const REJOIN_BACKOFF_MS = [250, 1_000, 2_000, 4_000] as const;
/** Answers that mean "you are not in this call any more": rejoining cannot help. */
const FATAL_CODES = new Set(['call_ended', 'call_not_found', 'not_a_member', 'media_forbidden', 'not_signed_in']);

const codeOf = (e: unknown): string => (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'internal');

/**
 * This device in one call's SFU room: owns the mediasoup Device, the send and receive transports,
 * the producers and the consumers. Everything it reports is plain data; tracks are handed out by
 * id. Local tracks are "published" by source and re-produced after every rejoin.
 */
export class RoomClient extends TypedEmitter<RoomEvents> {
  readonly callID: CallId;
  readonly #o: RoomOptions;
  #device: Promise<Device> | null;
  #state: RoomState = 'idle';
  /** Bumped at every (re)join: async steps of an older join see it changed and stop. */
  #epoch = 0;
  #send: types.Transport | null = null;
  #recv: types.Transport | null = null;
  readonly #producers: Producers;
  readonly #consumers: Consumers;
  readonly #members = new Map<string, RoomMember>();
  /**
   * Members that left and producers that closed since the current join was sent. The join's answer
   * and the pushes reach this page by different relays, so a push made after the answer may arrive
   * before it: the answer then adds to what the pushes said instead of replacing it.
   */
  readonly #goneSinceJoin = new Set<string>();
  readonly #ice = new IceWatch({
    restart: (t) => this.#restartIce(t),
    onTrouble: () => this.#setState('reconnecting'),
    onHealthy: () => {
      if (this.#state === 'reconnecting' && !this.#rejoining) this.#setState('connected');
    },
  });
  readonly #offPush: () => void;
  #ops: Promise<void> = Promise.resolve();
  #rejoining: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #pending: boolean;
  /** The server starts this ringing device's unpaused producers when its answer lands (sfuJoin's answerStartsMedia). */
  #answerStartsMedia = false;

  constructor(o: RoomOptions) {
    super();
    this.#o = o;
    this.callID = o.callID;
    this.#device = o.device ?? null;
    this.#pending = o.pending === true;
    this.#producers = new Producers({
      port: o.port,
      callID: o.callID,
      send: () => this.#send,
      epoch: () => this.#epoch,
      device: () => this.#device,
      pending: () => this.#pending,
      answerStartsMedia: () => this.#answerStartsMedia,
      enqueue: (step) => this.#enqueue(step),
      onPublished: (p) => this.emit('published', p),
      report: (e) => this.#report(e),
    });
    this.#consumers = new Consumers({
      port: o.port,
      callID: o.callID,
      recv: () => this.#recv,
      epoch: () => this.#epoch,
      onRemotes: (r) => this.emit('remotes', r),
      onLayers: (l) => this.emit('layers', l),
      // A ringing device's streams are consumed ahead, but shown only once it is in the room.
      shown: (userId, deviceId) => this.#members.has(`${userId}/${deviceId}`),
      report: (e) => this.#report(e),
    });
    this.#offPush = o.port.onPush((p) => this.#onPush(p));
  }

  get state(): RoomState {
    return this.#state;
  }
  get closed(): boolean {
    return this.#state === 'closed';
  }
  /** Pre-warmed while ringing, not yet activated. */
  get pending(): boolean {
    return this.#pending;
  }

  /**
   * The call is answered on this device (or about to be: the server runs the resumes of a ringing
   * device when its answer lands): send what this device publishes unpaused, and consume what the
   * others send (already consumed while ringing, unless that failed). When the pre-warm never got
   * in (an older server, a failure) this is a join.
   */
  activate(): Promise<void> {
    if (!this.#pending || this.closed) return Promise.resolve();
    this.#pending = false;
    // After the pre-warm's join (a fast answer finds it still running: it then produces unheld).
    return this.#enqueue(async () => {
      if (this.#state !== 'connected') {
        void this.rejoin(); // the pre-warm never got in: join now (queued after this step)
        return;
      }
      const resumes = this.#producers.resumeAll();
      this.#consumers.consumeAll(this.#epoch);
      await resumes;
    });
  }

  /** Enters the room: transports, then every published track and every remote producer. */
  join(): Promise<void> {
    this.#setState('joining');
    return this.#enqueue(() => this.#connect()).catch((e: unknown) => {
      if (FATAL_CODES.has(codeOf(e)) || this.closed) throw e;
      this.#report(e);
      return this.rejoin();
    });
  }

  /**
   * Leaves and enters again, re-producing what was published: after the signaling connection
   * came back or the server's worker died. Retries with backoff until it works or the call is over.
   */
  rejoin(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.#rejoining) {
      this.#wake?.();
      return this.#rejoining;
    }
    this.#setState('reconnecting');
    this.#rejoining = this.#enqueue(async () => {
      for (let attempt = 0; !this.closed; attempt++) {
        // sfuJoin from a device already in the room starts it over, so no sfuLeave first.
        this.#teardown();
        try {
          await this.#connect();
          return;
        } catch (e) {
          if (FATAL_CODES.has(codeOf(e))) return this.close('ended');
          this.#report(e);
          await this.#sleep(REJOIN_BACKOFF_MS[Math.min(attempt, REJOIN_BACKOFF_MS.length - 1)] ?? 4_000);
        }
      }
    }).finally(() => {
      this.#rejoining = null;
    });
    return this.#rejoining;
  }

  /** Sends `track` as `source` (replacing the track already sent for it). */
  publish(source: MediaSource, track: MediaStreamTrack, paused = false): Promise<void> {
    return this.#producers.publish(source, track, paused);
  }

  unpublish(source: MediaSource): Promise<void> {
    return this.#producers.unpublish(source);
  }

  /** Mute and camera-off: the producer pauses here and on the server, so others see it. */
  setPaused(source: MediaSource, paused: boolean): Promise<void> {
    return this.#producers.setPaused(source, paused);
  }

  remoteTrack(consumerId: string): MediaStreamTrack | null {
    return this.#consumers.track(consumerId);
  }
  /** Every video received now, shown or not yet, by consumer id (the session keeps a playing <video> for each). */
  receivedVideo(): Map<string, MediaStreamTrack> {
    return this.#consumers.videoTracks();
  }
  /** The tile showing a remote camera fits `layer` now (sent to the SFU only when it changed). */
  preferLayer(consumerId: string, layer: SpatialLayer): void {
    if (!this.closed) this.#consumers.preferLayer(consumerId, layer);
  }
  localTrack(source: MediaSource): MediaStreamTrack | null {
    return this.#producers.track(source);
  }

  /** The browser's own stats for every stream (what the quality overlay shows). */
  async reports(): Promise<StreamReport[]> {
    const out = [...this.#consumers.reports(), ...this.#producers.reports()];
    return (await Promise.all(out)).filter((r): r is StreamReport => r !== null);
  }

  /** Leaves the room; safe to call twice. Published tracks are the caller's to stop. */
  close(reason: RoomCloseReason = 'left'): void {
    if (this.closed) return;
    this.#epoch++;
    this.#offPush();
    this.#wake?.();
    this.#teardown();
    this.#producers.close();
    this.#setState('closed');
    // Closed here either way; a leave the server did not get (the connection is down) is done by the
    // server itself when the connection or the call ends, so there is nothing to retry or show.
    if (reason === 'left') void this.#o.port.request('sfuLeave', { callID: this.callID }).catch(() => undefined);
    this.emit('closed', reason);
  }

  // ---- joining -----------------------------------------------------------------------------

  async #connect(): Promise<void> {
    const epoch = ++this.#epoch;
    const { port, callID } = this.#o;
    this.#device ??= loadDevice(port, callID, this.#o.createDevice);
    const device = await this.#device.catch((e: unknown) => {
      this.#device = null; // a failed pre-warm must not poison the join
      throw e;
    });
    // mediasoup-client types codec parameters as unknown; they are the scalars the schema allows.
    const rtpCapabilities = device.recvRtpCapabilities as SfuRequestInput<'sfuJoin'>['rtpCapabilities'];
    this.#members.clear();
    this.#goneSinceJoin.clear();
    const joined = port.request('sfuJoin', { callID, rtpCapabilities });
    // The server runs one room's requests in the order they arrive, so the transports are asked for
    // without waiting for the join's answer: two round trips fewer before media flows.
    const early = [this.#transport('send', device, epoch), this.#transport('recv', device, epoch)] as const;
    const settled = Promise.allSettled(early);
    const r = await joined.catch(async (e: unknown) => {
      await settled;
      throw e;
    });
    this.#check(epoch);
    this.#answerStartsMedia = r.answerStartsMedia === true;
    const fresh = (key: string): boolean => !this.#goneSinceJoin.has(key);
    for (const m of r.members) if (!this.#isMe(m) && fresh(`${m.userId}/${m.deviceId}`)) this.#members.set(`${m.userId}/${m.deviceId}`, m);
    this.emit('members', [...this.#members.values()]);
    for (const p of r.producers) if (!this.#isMe(p) && fresh(p.producerId)) this.#consumers.add(p);
    // A server that does not keep that order refuses them ("join first"): ask again, now in order.
    const [s0, s1] = await settled;
    const send = s0.status === 'fulfilled' ? s0.value : this.#transport('send', device, epoch);
    this.#recv = s1.status === 'fulfilled' ? s1.value : await this.#transport('recv', device, epoch);
    // Receiving first: what the others send should not wait for this device's own camera. While
    // ringing too: the server holds those consumers paused until the answer and then resumes them.
    this.#consumers.consumeAll(epoch);
    this.#send = await send;
    await this.#producers.produceAll(epoch);
    this.#check(epoch);
    this.#setState('connected');
  }

  #transport(direction: 'send' | 'recv', device: Device, epoch: number): Promise<types.Transport> {
    const { port, callID } = this.#o;
    return createTransport({ port, callID, direction, device, check: () => this.#check(epoch), onState: (t, st) => this.#ice.onState(t, st) });
  }

  // ---- pushes and recovery -----------------------------------------------------------------

  #onPush(p: SfuPushEvent): void {
    if (p.data.callID !== this.callID || this.closed) return;
    switch (p.type) {
      case 'sfuMemberJoined':
        if (!this.#isMe(p.data.member)) this.#members.set(`${p.data.member.userId}/${p.data.member.deviceId}`, p.data.member);
        this.emit('members', [...this.#members.values()]);
        this.#consumers.shownChanged(); // what it sent while ringing, consumed already
        return;
      case 'sfuMemberLeft':
        this.#members.delete(`${p.data.userId}/${p.data.deviceId}`);
        this.#goneSinceJoin.add(`${p.data.userId}/${p.data.deviceId}`);
        this.#consumers.memberLeft(p.data.userId, p.data.deviceId);
        this.emit('members', [...this.#members.values()]);
        return;
      case 'sfuNewProducer':
        if (this.#isMe(p.data.producer)) return;
        this.#consumers.add(p.data.producer);
        void this.#consumers.consume(p.data.producer, this.#epoch);
        return;
      case 'sfuProducerClosed':
        this.#goneSinceJoin.add(p.data.producerId);
        return this.#consumers.producerGone(p.data.producerId);
      case 'sfuProducerPaused':
      case 'sfuProducerResumed':
        return this.#consumers.setProducerPaused(p.data.producerId, p.type === 'sfuProducerPaused');
      case 'sfuConsumerClosed':
        return this.#consumers.drop(p.data.consumerId);
      case 'sfuConsumerLayersChanged':
        return this.#consumers.layersChanged(p.data.consumerId, p.data.spatialLayer, p.data.temporalLayer);
      case 'sfuActiveSpeaker':
        this.emit('activeSpeaker', p.data.userId && p.data.deviceId ? { userId: p.data.userId, deviceId: p.data.deviceId } : null);
        return;
      case 'sfuRoomClosed':
        // The call goes on without this room (worker died, server restarting): come back in.
        if (p.data.reason === 'workerDied' || p.data.reason === 'serverRestart') void this.rejoin();
        else this.close(p.data.reason);
        return;
      default:
        assertNever(p, 'SFU push');
    }
  }

  /** ICE restart first; when the server no longer knows the transport (or cannot be asked), rejoin. */
  async #restartIce(t: types.Transport): Promise<void> {
    if (t.closed || this.closed || t.connectionState === 'connected') return;
    try {
      const { iceParameters, iceServers } = await this.#o.port.request('sfuRestartIce', { callID: this.callID, transportId: t.id });
      // A fresh TURN credential: the one given with the transport may have expired during a long call.
      if (iceServers) await t.updateIceServers({ iceServers });
      // mediasoup's ICE parameters, shape-checked by the protocol schema.
      await t.restartIce({ iceParameters: iceParameters as types.IceParameters });
    } catch (e) {
      this.#report(e);
      void this.rejoin();
    }
  }

  /** Closes transports (and with them producers and consumers) locally; published tracks stay. */
  #teardown(): void {
    this.#ice.clear();
    this.#send?.close();
    this.#recv?.close();
    this.#send = this.#recv = null;
    this.#consumers.clear();
    this.#members.clear();
    this.#producers.clear(); // says what is published, none of it live now
  }

  #enqueue(f: () => Promise<void>): Promise<void> {
    const next = this.#ops.then(f);
    this.#ops = next.catch(() => undefined);
    return next;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    }).finally(() => {
      this.#wake = null;
    });
  }

  #check(epoch: number): void {
    if (epoch !== this.#epoch || this.closed) throw Object.assign(new Error('superseded by a newer join'), { code: 'superseded' });
  }

  #isMe(x: { userId: UserId; deviceId: DeviceId }): boolean {
    return x.userId === this.#o.me.userId && x.deviceId === this.#o.me.deviceId;
  }

  #setState(s: RoomState): void {
    if (this.#state === s || this.#state === 'closed') return;
    this.#state = s;
    this.emit('state', s);
  }

  #report(e: unknown): void {
    if (codeOf(e) === 'superseded') return;
    this.emit('error', e instanceof Error ? e : new Error(String(e)));
  }
}
