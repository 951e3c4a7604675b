import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asDeviceId, asUserId, type DeviceId, type UserId } from '../../src/shared/protocol/index.ts';
import { SessionRegistry, type Connection } from '../routing/SessionRegistry.ts';
import { GroupCommit } from '../store/GroupCommit.ts';
import { SqliteStore } from '../store/sqliteStore.ts';
import type { CallSave } from '../store/Store.ts';
import { CallService } from './CallService.ts';

/** A registered device that records the frames pushed to it. */
class Device implements Connection {
  readonly frames: { type: string; data: Record<string, unknown> }[] = [];
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  constructor(userId: UserId, deviceId: DeviceId) {
    this.userId = userId;
    this.deviceId = deviceId;
  }
  readonly deviceName = 'test';
  send(frame: string): void {
    this.frames.push(JSON.parse(frame) as { type: string; data: Record<string, unknown> }); // pushes are JSON objects
  }
  close(): void {}
}

const N = 8;
const callers = Array.from({ length: N }, (_, i) => asUserId(`caller${i}`));
const invitees = Array.from({ length: N }, (_, i) => asUserId(`callee${i}`));
let store: SqliteStore;
let sessions: SessionRegistry;
let devices: Map<UserId, Device>;
let batches: number[];
let failNext: boolean;
let calls: CallService;

beforeEach(async () => {
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ringdesk-gc-')), 'db.sqlite'));
  sessions = new SessionRegistry();
  devices = new Map();
  for (const u of [...callers, ...invitees]) {
    await store.createUser({ userId: u, displayName: u, passwordHash: 'h', disabled: false, createdAt: 1 });
    const d = new Device(u, asDeviceId('d1'));
    devices.set(u, d);
    sessions.add(d);
  }
  batches = [];
  failNext = false;
  // The real store, counted: each saveCalls is one SQLite transaction.
  const counted = {
    saveCalls: async (b: readonly CallSave[]) => {
      batches.push(b.length);
      if (failNext) {
        failNext = false;
        throw new Error('SQLITE_FULL: database or disk is full');
      }
      return store.saveCalls(b);
    },
  };
  calls = new CallService({ store, sessions, graceMs: 60_000, commits: new GroupCommit(counted) });
});
afterEach(async () => {
  calls.stop();
  await store.close();
});

const invite = (i: number) =>
  calls.invite({ userId: callers[i] as UserId, deviceId: asDeviceId('d1') }, { invitees: [invitees[i] as UserId], mode: 'normal', timeout: 30, extendedData: `n${i}` });
const pushes = (u: UserId | undefined, type: string) => (u ? (devices.get(u)?.frames.filter((f) => f.type === type) ?? []) : []);

describe('CallService group commit', () => {
  it('N invitations made in one tick are stored in one transaction, each pushed after it, and all are in the store', async () => {
    const results = await Promise.all(Array.from({ length: N }, (_, i) => invite(i)));
    expect(batches).toEqual([N]);
    expect(calls.commitStats).toMatchObject({ batches: 1, saves: N });
    for (const [i, r] of results.entries()) {
      expect((await store.getCall(r.call.callID))?.callState).toBe('started');
      expect(pushes(invitees[i], 'callInvitationReceived')).toHaveLength(1);
    }
  });

  it('a failing batch: every invitation in it fails with the store error, nothing is pushed, nothing is kept', async () => {
    failNext = true;
    const outcomes = await Promise.allSettled(Array.from({ length: N }, (_, i) => invite(i)));
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'stored'))).toEqual(Array(N).fill('Error: SQLITE_FULL: database or disk is full'));
    for (const d of devices.values()) expect(d.frames).toEqual([]);
    expect(calls.activeCallCount).toBe(0);
    expect(await store.startedCalls()).toEqual([]);
    // The next tick's batch is unaffected.
    await invite(0);
    expect(pushes(invitees[0], 'callInvitationReceived')).toHaveLength(1);
  });

  it("one call's transitions keep their order: accept right after invite lands in the next batch and is pushed after the invite", async () => {
    const { call } = await invite(0);
    batches.length = 0;
    const callee = { userId: invitees[0] as UserId, deviceId: asDeviceId('d1') };
    const acked = calls.dispatch(call.callID, { type: 'ack', by: callee.userId, device: callee.deviceId });
    const accepted = calls.dispatch(call.callID, { type: 'accept', by: callee.userId, device: callee.deviceId, extendedData: '' });
    const ended = calls.dispatch(call.callID, { type: 'end', by: callee.userId, device: callee.deviceId, extendedData: '' });
    await Promise.all([acked, accepted, ended]);
    expect(batches).toEqual([1, 1, 1]);
    const states = devices
      .get(callers[0] as UserId)
      ?.frames.filter((f) => f.type === 'callUserStateChanged')
      .flatMap((f) => (f.data['users'] as { userId: string; state: string }[]).filter((u) => u.userId === callee.userId).map((u) => u.state));
    expect(states).toEqual(['received', 'accepted']);
    expect((await store.getCall(call.callID))?.callState).toBe('ended');
  });
});
