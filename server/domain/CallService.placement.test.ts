// CallService across nodes, with the placement's races made deterministic: two services ("nodes")
// share one store (with its fencing epochs), one lease table and one session registry. The fake
// placement claims like CallLeases does (a lease, then store.claimCall), without single-flight, so
// two requests about one call on one node may both claim it: CallService must stay consistent anyway.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/shared/call/index.ts';
import { asDeviceId, asUserId, type CallId, type DeviceId, type UserId } from '../../src/shared/protocol/index.ts';
import { SessionRegistry, type Connection } from '../routing/SessionRegistry.ts';
import { SqliteStore } from '../store/sqliteStore.ts';
import type { CallFence } from '../store/Store.ts';
import type { CallOp, CallPlacement, Placement } from './CallPlacement.ts';
import { CallService } from './CallService.ts';

class Device implements Connection {
  readonly frames: { type: string; data: Record<string, unknown> }[] = [];
  readonly deviceName = 'test';
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  constructor(userId: UserId, deviceId: DeviceId) {
    this.userId = userId;
    this.deviceId = deviceId;
  }
  send(frame: string): void {
    this.frames.push(JSON.parse(frame) as { type: string; data: Record<string, unknown> }); // pushes are JSON objects
  }
  close(): void {}
}

/** What the nodes share: Redis's leases (and who is alive) and Postgres (here SQLite, same fencing). */
interface World {
  store: SqliteStore;
  leases: Map<CallId, string>;
  alive: Set<string>;
  services: Map<string, CallService>;
}

class FakeLeases implements CallPlacement {
  readonly fences = new Map<CallId, CallFence>();
  readonly #node: string;
  readonly #w: World;
  constructor(node: string, w: World) {
    this.#node = node;
    this.#w = w;
  }
  async claimNew(callID: CallId): Promise<CallFence> {
    this.#w.leases.set(callID, this.#node);
    const fence = { epoch: 1, node: this.#node };
    this.fences.set(callID, fence);
    return fence;
  }
  async locate(callID: CallId): Promise<Placement> {
    const mine = this.fences.get(callID);
    if (mine) return { here: true, fence: mine, claimed: null };
    await new Promise((r) => setImmediate(r)); // the lease script's round trip to Redis
    const holder = this.#w.leases.get(callID);
    if (holder && holder !== this.#node && this.#w.alive.has(holder)) return { here: false, node: holder };
    this.#w.leases.set(callID, this.#node);
    const claimed = await this.#w.store.claimCall(callID, this.#node);
    if (!claimed) {
      this.#unlease(callID);
      return { here: true, fence: null, claimed: null };
    }
    const fence = { epoch: claimed.epoch, node: this.#node };
    this.fences.set(callID, fence);
    return { here: true, fence, claimed: claimed.call };
  }
  fenceOf(callID: CallId): CallFence | undefined {
    return this.fences.get(callID);
  }
  release(callID: CallId): void {
    if (this.fences.delete(callID)) this.#unlease(callID);
  }
  #unlease(callID: CallId): void {
    if (this.#w.leases.get(callID) === this.#node) this.#w.leases.delete(callID);
  }
  forward(node: string, callID: CallId, op: CallOp): Promise<Call> {
    const s = this.#w.services.get(node);
    return s ? s.runForwarded(callID, op) : Promise.reject(new Error(`no node ${node}`));
  }
}

const caller = asUserId('caller');
const callees = [asUserId('x1'), asUserId('x2')];
const d1 = asDeviceId('d1');
let dir: string;
let world: World;
let sessions: SessionRegistry;
let devices: Map<UserId, Device>;
let clock: number;
const placements = new Map<string, FakeLeases>();

function node(name: string): CallService {
  const placement = new FakeLeases(name, world);
  placements.set(name, placement);
  const s = new CallService({ store: world.store, sessions, graceMs: 600_000, now: () => clock, placement });
  world.services.set(name, s);
  world.alive.add(name);
  return s;
}

/** Node n1 made the call and died: its lease and fence stay behind, as after kill -9. */
async function orphanedCall(): Promise<CallId> {
  const n1 = node('n1');
  const { call } = await n1.invite({ userId: caller, deviceId: d1 }, { invitees: callees, mode: 'normal', timeout: 30, extendedData: '' });
  n1.stop();
  world.alive.delete('n1');
  return call.callID;
}

const timeoutPushes = (u: UserId, callID: CallId): number =>
  devices.get(u)?.frames.filter((f) => f.type === 'callUserStateChanged' && f.data['callID'] === callID && (f.data['users'] as { state: string }[]).some((x) => x.state === 'timeout')).length ?? 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ringdesk-placement-'));
  world = { store: new SqliteStore(join(dir, 'db.sqlite')), leases: new Map(), alive: new Set(), services: new Map() };
  sessions = new SessionRegistry();
  devices = new Map();
  clock = 1_000_000;
  for (const u of [caller, ...callees]) {
    await world.store.createUser({ userId: u, displayName: u, passwordHash: 'h', disabled: false, createdAt: 1 });
    const d = new Device(u, d1);
    devices.set(u, d);
    sessions.add(d);
  }
});
afterEach(async () => {
  for (const s of world.services.values()) s.stop();
  placements.clear();
  await world.store.close();
});

describe('CallService with a placement (cluster mode)', () => {
  it('a save refused under a stale fence does not throw away the newer claim this node made meanwhile', async () => {
    const callID = await orphanedCall();
    const n2 = node('n2');
    // Both callees acknowledge at once through n2: each request locates the call, and both claim it
    // (epochs 2 and 3); the op run under epoch 2 is refused, and must not drop the claim of epoch 3.
    await Promise.all(callees.map((u) => n2.dispatch(callID, { type: 'ack', by: u, device: d1 })));
    expect((await world.store.getCall(callID))?.callState).toBe('started');
    expect(n2.startedCall(callID)).toBeDefined();
    // No third claim: the refused op ran again under epoch 3, which n2 still holds and the store has.
    expect(placements.get('n2')?.fenceOf(callID)?.epoch).toBe(3);
    expect(await ownerEpoch(callID)).toBe(3);
  });

  it('a stale copy of a call that ended on another node is never run: one timeout push each, not two', async () => {
    const callID = await orphanedCall();
    const n2 = node('n2');
    const n3 = node('n3');
    await n2.dispatch(callID, { type: 'ack', by: callees[0] as UserId, device: d1 });
    expect(n2.startedCall(callID)).toBeDefined();
    // n2 lost its fence and lease (however that happened) but still holds the call; n3 times it out.
    placements.get('n2')?.fences.delete(callID);
    world.leases.delete(callID);
    clock += 31_000;
    await n3.dispatch(callID, { type: 'tick' });
    expect((await world.store.getCall(callID))?.callState).toBe('ended');
    expect(timeoutPushes(caller, callID)).toBe(1);
    const ended = await world.store.getCall(callID);
    // n2's timer fires late, on its stale copy: it runs on the stored (ended) call instead, and nothing is saved or pushed.
    await n2.dispatch(callID, { type: 'tick' });
    expect(await world.store.getCall(callID)).toEqual(ended);
    expect(timeoutPushes(caller, callID)).toBe(1);
    for (const u of callees) expect(timeoutPushes(u, callID)).toBe(1);
    expect(n2.startedCall(callID)).toBeUndefined();
  });

  it('an invitation refused while its lease was being taken leaves no lease behind', async () => {
    const n1 = node('n1');
    const refused = n1.invite({ userId: caller, deviceId: d1 }, { invitees: [asUserId('nobody')], mode: 'normal', timeout: 30, extendedData: '' });
    await expect(refused).rejects.toMatchObject({ code: 'invitee_unknown' });
    await new Promise((r) => setImmediate(r)); // the release runs once the claim has settled
    expect(placements.get('n1')?.fences.size).toBe(0);
    expect(world.leases.size).toBe(0);
    // A busy caller: refused too, and its new call's lease goes as well.
    const { call } = await n1.invite({ userId: caller, deviceId: d1 }, { invitees: callees, mode: 'normal', timeout: 30, extendedData: '' });
    await n1.dispatch(call.callID, { type: 'accept', by: callees[0] as UserId, device: d1, extendedData: '' });
    await expect(n1.invite({ userId: caller, deviceId: d1 }, { invitees: [callees[1] as UserId], mode: 'normal', timeout: 30, extendedData: '' })).rejects.toMatchObject({ code: 'already_in_call' });
    await new Promise((r) => setImmediate(r));
    expect([...world.leases.keys()]).toEqual([call.callID]);
  });

  it('a lease that cannot be taken (Redis down) refuses the invitation as unavailable, with nothing stored', async () => {
    const n1 = node('n1');
    const p = placements.get('n1') as FakeLeases;
    // Fails at once, long before the store's reads finish: must not surface as an unhandled rejection.
    p.claimNew = () => Promise.reject(Object.assign(new Error('redis down'), { code: 'unavailable' }));
    const read = world.store.startedCallsOf.bind(world.store);
    world.store.startedCallsOf = async (ids) => {
      await new Promise((r) => setTimeout(r, 20)); // Postgres's round trip, slower than Redis's refusal
      return read(ids);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(n1.invite({ userId: caller, deviceId: d1 }, { invitees: callees, mode: 'normal', timeout: 30, extendedData: '' })).rejects.toMatchObject({ code: 'unavailable' });
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(await n1.activeCalls(caller)).toEqual([]);
  });
});

/** The epoch the last claim left in the store (a probe claim raises it by one; the test is over by then). */
async function ownerEpoch(callID: CallId): Promise<number | undefined> {
  const probe = await world.store.claimCall(callID, 'probe');
  return probe ? probe.epoch - 1 : undefined;
}
