import type { types } from 'mediasoup';
import { mediaOf, type Media } from '../../src/shared/ipc/callMeta.ts';
import { anyInviteeAccepted, findMember, type Call } from '../../src/shared/call/index.ts';
import { errorMessage, RingdeskError } from '../../src/shared/errors.ts';
import { RtpCapabilitiesSchema, type CallId, type DeviceId, type SfuRequestType, type UserId } from '../../src/shared/protocol/index.ts';
import { KeyedQueue } from '../domain/KeyedQueue.ts';
import { Logger } from '../logger.ts';
import { mediasoupCall, toWire } from './mediaErrors.ts';
import type { Peer } from './Peer.ts';
import { peerRequest } from './peerRequest.ts';
import type { MediaCalls, MediaRemote, MediaSessions, SfuActor, SfuRequest, SfuResult } from './ports.ts';
import { Room } from './Room.ts';
import { roomSnapshot, type RoomSnapshot } from './roomSnapshot.ts';
import type { SfuConfig } from './SfuConfig.ts';
import type { TurnCredentials } from './TurnConfig.ts';
import { WORKER_HELP, WorkerPool } from './WorkerPool.ts';

const log = new Logger('SfuService');
/** A call has a room from the first accept (or at once for an advanced call made with nobody in it yet). */
const roomDue = (call: Call): boolean => anyInviteeAccepted(call) || (call.mode === 'advanced' && call.members.length === 1);
/** One device in one call: its request queue and its grace timer. Ids never hold '/', so it cannot clash with a bare callID. */
const deviceKey = (callID: CallId, userId: UserId, deviceId: DeviceId): string => `${callID}/${userId}/${deviceId}`;

export type { SfuRequest, SfuResult } from './ports.ts';
export type { RoomSnapshot } from './roomSnapshot.ts';
type Actor = SfuActor;

export interface SfuServiceOptions {
  config: SfuConfig;
  calls: MediaCalls;
  sessions: MediaSessions;
  /** The cluster's placement and relay (server/cluster/media); absent on a single node. */
  remote?: MediaRemote | null;
  /** How long a device's media stays in the room after its connection drops (it may resume and restart ICE). */
  graceMs: number;
  /** TURN servers to hand out with every transport; absent: clients connect to the SFU directly. */
  turn?: TurnCredentials | null;
}

/** A member's right in the room: `member` (Accepted, main device) or `ringing` (an invitee's device, pre-warming). */
type Access = 'member' | 'ringing';
const RINGING: ReadonlySet<string> = new Set(['inviting', 'received', 'notYetReceived']);
/**
 * What a ringing device may do: prepare everything, so answering only starts media. Its producers
 * and consumers stay paused on the server; a resume it asks for runs when it answers (Room.promote).
 * Layers wait for the answer.
 */
const RINGING_MAY: ReadonlySet<SfuRequestType> = new Set<SfuRequestType>([
  'sfuJoin',
  'sfuLeave',
  'sfuCreateTransport',
  'sfuConnectTransport',
  'sfuRestartIce',
  'sfuProduce',
  'sfuPauseProducer',
  'sfuResumeProducer',
  'sfuCloseProducer',
  'sfuConsume',
  'sfuResumeConsumer',
  'sfuGetStats',
]);

/**
 * The SFU side of the server: worker pool, one Room per call, and who may use it. Only an Accepted
 * member on its main device may join or touch media; the call's own changes (quit, end, callJoin
 * from another device, lost members) take devices out at once. Join, leave and the call's changes run one
 * at a time per room; a device's other requests run one at a time per device, after those.
 */
export class SfuService {
  readonly #config: SfuConfig;
  readonly #calls: MediaCalls;
  readonly #sessions: MediaSessions;
  readonly #remote: MediaRemote | null;
  readonly #graceMs: number;
  readonly #turn: TurnCredentials | null;
  readonly #queue = new KeyedQueue();
  readonly #rooms = new Map<CallId, Room>();
  /** Calls whose room was created once: later a room is made only by sfuJoin (no endless pre-warming). */
  readonly #hadRoom = new Set<CallId>();
  readonly #grace = new Map<string, NodeJS.Timeout>();
  #pool: WorkerPool | null = null;
  #unavailable = 'the media server has not started';
  #closed = false;
  /** Set by a drain whose calls go on on other nodes: a device that disconnects moved there, it did not leave. */
  #holding = false;

  constructor(o: SfuServiceOptions) {
    this.#config = o.config;
    this.#calls = o.calls;
    this.#sessions = o.sessions;
    this.#graceMs = o.graceMs;
    this.#turn = o.turn ?? null;
    this.#remote = o.remote ?? null;
    o.calls.on('changed', (call) => this.#changed(call));
  }

  /** Starts the workers. Never throws: without a worker the server still serves calls, and every sfu* request gets sfu_unavailable. */
  async start(): Promise<void> {
    if (!this.#config.enabled) {
      this.#unavailable = 'media is turned off on this server (sfu.enabled is false)';
      log.info('start() [disabled by config]');
      return;
    }
    const pool = new WorkerPool(this.#config);
    try {
      await pool.start();
    } catch (e) {
      this.#unavailable = 'the media server is not available (no mediasoup worker could start); calls work without media';
      log.error('%s Cause: %s', WORKER_HELP, errorMessage(e));
      return;
    }
    pool.on('workerDied', (index) => this.#onWorkerDied(index));
    this.#pool = pool;
  }

  get available(): boolean {
    return this.#pool !== null;
  }
  get pool(): WorkerPool | null {
    return this.#pool;
  }
  /** The live rooms, for tests and health checks. */
  get rooms(): ReadonlyMap<CallId, Room> {
    return this.#rooms;
  }

  inspect(callID: CallId): RoomSnapshot | null {
    const room = this.#rooms.get(callID);
    return room ? roomSnapshot(room) : null;
  }

  /**
   * A request from a device connected here. In a cluster it runs where the call's room is placed,
   * relayed there when that is another node (which checks it again: handleHere).
   */
  async handle(actor: Actor, req: SfuRequest): Promise<SfuResult> {
    if (this.#remote) {
      const at = await this.#remote.locate(req.data.callID);
      if (at.nodeId !== null) return this.#remote.forward(at.nodeId, actor, req);
    }
    return this.handleHere(actor, req);
  }

  /** A request run in this node's rooms: a local device's, or one relayed from the node holding its connection. */
  async handleHere(actor: Actor, req: SfuRequest): Promise<SfuResult> {
    const pool = this.#pool;
    if (!pool) throw new RingdeskError('sfu_unavailable', this.#unavailable);
    if (req.type === 'sfuCapabilities') {
      // Pre-warm for anyone in the call, ringing included: every router has these same capabilities.
      const call = await this.#startedCall(req.data.callID);
      if (!findMember(call, actor.userId)) throw new RingdeskError('media_forbidden', 'you are not a member of this call');
      return { rtpCapabilities: toWire(RtpCapabilitiesSchema, pool.rtpCapabilities, 'rtpCapabilities') };
    }
    // Join and leave change who is in the room, so they queue with the room's other changes. The rest
    // touch only the sender's own objects and queue per device: one member's consumes then never wait
    // behind another's produce (that wait was most of a pre-warmed caller's time to first frame).
    const callID = req.data.callID;
    if (req.type === 'sfuJoin' || req.type === 'sfuLeave') return this.#queue.run(callID, () => this.#inRoom(actor, req));
    // Still after every room change queued before it (a client sends sfuJoin and its transports together).
    const roomSettled = this.#queue.run(callID, () => Promise.resolve());
    return this.#queue.run(deviceKey(callID, actor.userId, actor.deviceId), async () => {
      await roomSettled;
      return this.#inRoom(actor, req);
    });
  }

  async #startedCall(callID: CallId): Promise<Call> {
    const call = await this.#calls.startedCall(callID);
    if (call) return call;
    if (await this.#calls.get(callID)) throw new RingdeskError('call_ended', `call ${callID} has ended`);
    throw new RingdeskError('call_not_found', `no call ${callID}`);
  }

  /**
   * Checked at every request, not only at join. `member`: Accepted, on the main device. `ringing`:
   * an invitee still being invited, from any of its signed-in devices, may pre-warm: create
   * transports and PAUSED producers that nobody can see or consume until it accepts on that device.
   */
  async #authorize(actor: Actor, callID: CallId, type: SfuRequestType): Promise<{ access: Access; answer: Media }> {
    const m = findMember(await this.#startedCall(callID), actor.userId);
    if (!m) throw new RingdeskError('media_forbidden', 'you are not a member of this call');
    if (RINGING.has(m.state)) {
      if (RINGING_MAY.has(type)) return { access: 'ringing', answer: 'audio' };
      throw new RingdeskError('media_forbidden', `answer the call first: while it rings a device may only prepare to send (${type} waits for the answer)`);
    }
    if (m.state !== 'accepted') throw new RingdeskError('media_forbidden', `accept or join the call first (you are ${m.state})`);
    if (m.mainDevice !== actor.deviceId) throw new RingdeskError('media_forbidden', 'the call is on your other device; callJoin moves it here');
    return { access: 'member', answer: mediaOf(m.extendedData) };
  }

  #joined(actor: Actor, callID: CallId, access: Access, answer: Media): { room: Room; peer: Peer } {
    const room = this.#rooms.get(callID);
    if (room && access === 'member' && !room.peer(actor.userId, actor.deviceId)) room.promote(actor.userId, actor.deviceId, answer); // answered, sync not run yet
    const peer = access === 'member' ? room?.peer(actor.userId, actor.deviceId) : room?.pendingPeer(actor.userId, actor.deviceId);
    if (!room || !peer) throw new RingdeskError('media_forbidden', 'join the room first (sfuJoin)');
    return { room, peer };
  }

  async #inRoom(actor: Actor, req: Exclude<SfuRequest, { type: 'sfuCapabilities' }>): Promise<SfuResult> {
    const callID = req.data.callID;
    const { access, answer } = await this.#authorize(actor, callID, req.type);
    if (req.type === 'sfuJoin') {
      const room = await this.#ensureRoom(callID);
      const name = this.#sessions.device(actor.userId, actor.deviceId)?.deviceName ?? actor.deviceId;
      // Shape checked by RtpCapabilitiesSchema; canConsume() judges the meaning at each consume.
      const caps = req.data.rtpCapabilities as unknown as types.RtpCapabilities;
      return access === 'ringing' ? room.joinPending(actor.userId, actor.deviceId, name, caps) : room.join(actor.userId, actor.deviceId, name, caps);
    }
    const { room, peer } = this.#joined(actor, callID, access, answer);
    if (req.type === 'sfuLeave') {
      if (peer.pending) room.removePending(actor.userId, actor.deviceId, null);
      else room.removePeer(actor.userId, null);
      this.#closeIfEmpty(room);
      return {};
    }
    return peerRequest(room, peer, actor, req, this.#turn);
  }

  async #ensureRoom(callID: CallId): Promise<Room> {
    const existing = this.#rooms.get(callID);
    if (existing && !existing.closed) return existing;
    const pool = this.#pool;
    // The worker the cluster chose for the call when it is one of ours; else the least loaded here.
    const at = this.#remote ? await this.#remote.locate(callID) : null;
    const placed = at?.nodeId === null && at.worker !== null ? pool?.workers.find((w) => w.index === at.worker) : undefined;
    const worker = placed ?? pool?.pick();
    if (!worker) throw new RingdeskError('sfu_unavailable', 'no media worker is running right now; try again in a moment');
    const room = await mediasoupCall('createRoom', () =>
      Room.create(callID, worker, (userId, deviceId, push) => this.#sessions.push(userId, deviceId, push), this.#config),
    );
    this.#rooms.set(callID, room);
    this.#hadRoom.add(callID);
    return room;
  }

  #closeIfEmpty(room: Room): void {
    if (room.peers.size > 0 || room.pending.size > 0) return;
    room.close('ended');
    if (this.#rooms.get(room.callID) === room) this.#rooms.delete(room.callID);
  }

  /**
   * A call changed on this node, and here is how it is now. Most changes (every step of a call that rings
   * and is declined) leave nothing for its room to do: no room, none due, nothing queued. Those skip the
   * room's queue and its read of the call (a queue entry, a promise chain and, in a cluster, a Postgres
   * read per change; bench:signaling makes four changes per invitation). An ended call is not read again either.
   */
  #changed(call: Call): void {
    const { callID } = call;
    const ended = call.callState === 'ended';
    if (!this.#rooms.has(callID) && !this.#queue.has(callID)) {
      if (ended) return this.#forget(callID);
      if (!roomDue(call)) return;
    }
    this.callChanged(callID, ended);
  }

  #forget(callID: CallId): void {
    this.#hadRoom.delete(callID);
    this.#remote?.forget(callID);
  }

  /** A call changed, here or (in a cluster) on the node that owns it: its room follows, in the room's queue. */
  callChanged(callID: CallId, ended = false): void {
    this.#background(callID, () => this.#sync(callID, ended));
  }

  /** Brings the room in line with the call as it is now (runs in the room's queue after every call change). */
  async #sync(callID: CallId, ended: boolean): Promise<void> {
    const call = ended ? undefined : await this.#calls.startedCall(callID);
    const room = this.#rooms.get(callID);
    if (!call) {
      this.#forget(callID);
      if (room) {
        room.close('ended');
        this.#rooms.delete(callID);
      }
      return;
    }
    if (room) {
      for (const peer of [...room.peers.values()]) {
        const m = findMember(call, peer.userId);
        if (!m || m.state !== 'accepted') room.removePeer(peer.userId, 'ended');
        else if (m.mainDevice !== peer.deviceId) room.removePeer(peer.userId, 'moved');
      }
      // Ringing devices: the one that answered becomes the member's device; the rest go.
      for (const peer of [...room.pending.values()]) {
        const m = findMember(call, peer.userId);
        if (m && RINGING.has(m.state)) continue;
        if (m?.state === 'accepted' && m.mainDevice === peer.deviceId) room.promote(peer.userId, peer.deviceId, mediaOf(m.extendedData));
        else room.removePending(peer.userId, peer.deviceId, m?.state === 'accepted' ? 'moved' : 'ended');
      }
      this.#closeIfEmpty(room);
      return;
    }
    if (!roomDue(call) || !this.#pool || this.#hadRoom.has(callID)) return;
    // In a cluster only the call's media node makes its room; the others relay to it.
    if (this.#remote && (await this.#remote.locate(callID)).nodeId !== null) return;
    await this.#ensureRoom(callID);
  }

  #background(callID: CallId, task: () => Promise<void>): void {
    if (this.#closed) return;
    this.#queue.run(callID, task).catch((e: unknown) => log.child({ callID }).warn('room sync failed: %s', errorMessage(e)));
  }

  #onWorkerDied(index: number): void {
    for (const room of [...this.#rooms.values()]) {
      if (room.worker.index !== index) continue;
      room.close('workerDied');
      this.#rooms.delete(room.callID);
    }
  }

  /**
   * Draining with the calls handed to other nodes: the devices this node sends away keep their media
   * here (no grace expiry) until their call ends or the drain's deadline closes the room.
   */
  holdMedia(): void {
    this.#holding = true;
    this.#remote?.draining();
    for (const t of this.#grace.values()) clearTimeout(t);
    this.#grace.clear();
  }

  /** Draining: new rooms go to other nodes (the load report says so). */
  get holdingMedia(): boolean {
    return this.#holding;
  }

  /** A connection closed: its media stays for the grace period, in case it resumes and restarts ICE. */
  deviceOffline(userId: UserId, deviceId: DeviceId): void {
    this.#remote?.deviceOffline(userId, deviceId);
    this.deviceOfflineHere(userId, deviceId);
  }

  /** The grace timer in this node's rooms (a relay calls this for devices connected elsewhere). */
  deviceOfflineHere(userId: UserId, deviceId: DeviceId): void {
    if (this.#holding) return;
    for (const room of this.#rooms.values()) {
      if (!room.peer(userId, deviceId) && !room.pendingPeer(userId, deviceId)) continue;
      const key = deviceKey(room.callID, userId, deviceId);
      if (this.#grace.has(key)) continue;
      const callID = room.callID;
      const t = setTimeout(() => {
        this.#grace.delete(key);
        if (this.#sessions.device(userId, deviceId)) return;
        this.#background(callID, async () => {
          const r = this.#rooms.get(callID);
          if (!r) return;
          r.removePending(userId, deviceId, null);
          if (r.peer(userId, deviceId)) r.removePeer(userId, null);
          this.#closeIfEmpty(r);
        });
      }, this.#graceMs);
      this.#grace.set(key, t);
    }
  }

  deviceOnline(userId: UserId, deviceId: DeviceId): void {
    this.#remote?.deviceOnline(userId, deviceId);
    this.deviceOnlineHere(userId, deviceId);
  }

  deviceOnlineHere(userId: UserId, deviceId: DeviceId): void {
    for (const [key, t] of this.#grace) {
      if (!key.endsWith(`/${userId}/${deviceId}`)) continue;
      clearTimeout(t);
      this.#grace.delete(key);
    }
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#grace.values()) clearTimeout(t);
    this.#grace.clear();
    // The calls stay stored and come back with the next start: the devices rejoin then, so they
    // must not hear "ended" (that made a graceful restart worse than a crash).
    for (const room of this.#rooms.values()) room.close('serverRestart');
    this.#rooms.clear();
    this.#pool?.close();
    this.#pool = null;
    this.#unavailable = 'the server is shutting down';
  }
}
