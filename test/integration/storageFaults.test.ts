// Issue 14 item 1: a full or read-only disk must not kill the server. Real filesystems, a real server
// process, real WebSockets: during the fault sign-ins and invitations get storage_unavailable, the
// process stays up and /healthz says not ready; once the disk is back everything works again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupSockets, errorOf, RawClient, rawSession } from './badInput.raw.ts';
import { sleep, until } from './harness.ts';
import {
  immutableSupport,
  mountTinyDisk,
  seedDatabase,
  setImmutable,
  startServerProcess,
  tmpfsSupport,
  type ServerProcess,
  type TinyDisk,
} from './storageKit.ts';

const TMPFS = tmpfsSupport();
const IMMUTABLE = immutableSupport();
// Printed so a skipped run is visible in the output, not silently green.
if (!TMPFS.ok) console.warn(`SKIP storage fault tests on a tiny tmpfs: ${TMPFS.reason}`);
if (!IMMUTABLE.ok) console.warn(`SKIP read-only database test: ${IMMUTABLE.reason}`);

let srv: ServerProcess | null = null;
let disk: TinyDisk | null = null;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  cleanupSockets();
  await srv?.stop();
  srv = null;
  disk?.unmount();
  disk = null;
  for (const f of cleanups.splice(0)) f();
});

const code = (r: Awaited<ReturnType<RawClient['request']>>): string | undefined => errorOf(r)?.code;
const resultOf = <T>(r: Awaited<ReturnType<RawClient['request']>>): T => {
  if (!('result' in r)) throw new Error(`expected a result, got ${JSON.stringify(r)}`);
  return r.result as T; // the server's answer, already checked by the client's frame parser
};
type CallResult = { call: { callID: string; callState: string; users: { userId: string; state: string }[] } };
const states = (r: CallResult): string[][] => r.call.users.map((u) => [u.userId, u.state]);
const count = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;
/**
 * Waits until the server process has logged `re` at least `n` times: the line comes down its stderr,
 * another pipe than the answer that follows it, so it may arrive after that answer.
 */
const logged = (s: ServerProcess, re: RegExp, n = 1): Promise<void> => until(() => count(s.log(), re) >= n, undefined, `${String(re)} logged ${n}×`);

async function untilReady(s: ServerProcess, want: boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while ((await s.healthz()).ready !== want) {
    if (Date.now() > end) throw new Error(`/healthz never said ready=${String(want)}: ${JSON.stringify(await s.healthz())}`);
    await sleep(100);
  }
}

describe('a full disk (a 1 MiB tmpfs filled to the last block)', () => {
  it.skipIf(!TMPFS.ok)(
    'sign-in, invitations and answers get storage_unavailable and change nothing; the server stays up, logs the cause once, and recovers by a write and by its probe',
    async () => {
      disk = mountTinyDisk(1024);
      const db = join(disk.dir, 'db.sqlite');
      await seedDatabase(db, ['alice', 'bob', 'carol', 'dave']);
      // Every write here must need new disk space. With checkpoints in the background the WAL starts
      // over whenever it is fully copied back and reuses its file's space, so a write could succeed on
      // the full disk (correctly: it is stored). SQLite's inline checkpoint keeps the WAL growing.
      srv = await startServerProcess(db, { walCheckpointMs: 0 });
      const [alice, bob, dave] = [await rawSession(srv.url, 'alice'), await rawSession(srv.url, 'bob'), await rawSession(srv.url, 'dave')];
      const invited = resultOf<CallResult>(await alice.request('callInvite', { invitees: ['bob'] }));
      const callID = invited.call.callID;
      await alice.push('callInvitationCreated');
      await bob.push('callInvitationReceived');
      expect(states(resultOf<CallResult>(await bob.request('callAck', { callID })))).toEqual([
        ['alice', 'accepted'],
        ['bob', 'received'],
      ]);
      await alice.push('callUserStateChanged');
      expect((await srv.healthz()).storage).toMatchObject({ ready: true, lastError: null });

      disk.fill();

      // Sign-in: the device row cannot be stored, so no session (and no token) is granted.
      const carol = await RawClient.open(srv.url);
      expect(code(await carol.login('carol'))).toBe('storage_unavailable');
      expect(carol.open).toBe(true);
      // An invitation: refused, nothing stored, nobody rung.
      expect(code(await dave.request('callInvite', { invitees: ['carol'] }))).toBe('storage_unavailable');
      // An answer: refused before anything is pushed; the call in memory is as it was.
      expect(code(await bob.request('callAccept', { callID }))).toBe('storage_unavailable');
      for (let i = 0; i < 5; i++) expect(code(await carol.login('carol'))).toBe('storage_unavailable');
      const active = resultOf<{ calls: CallResult['call'][] }>(await alice.request('queryActiveCalls', {}));
      expect(active.calls.map((c) => [c.callID, c.users.map((u) => u.state)])).toEqual([[callID, ['accepted', 'received']]]);
      await sleep(300);
      expect(alice.unread.filter((f) => f.kind === 'push' && f.push.type.startsWith('call'))).toEqual([]);

      const down = await srv.healthz();
      expect(down).toMatchObject({ ok: true, ready: false, storage: { ready: false, lastError: { code: 'SQLITE_FULL' } } });
      expect(srv.alive()).toBe(true);
      // The real cause, once for the whole outage (8 refused writes above), not once per request.
      await logged(srv, /storage unavailable: SQLITE_FULL \(database or disk is full\)/);
      expect(count(srv.log(), /storage unavailable: SQLITE_FULL \(database or disk is full\)/)).toBe(1);
      expect(srv.log()).not.toMatch(/cannot rollback/);

      // The disk has room again: the next write goes through and flips readiness back.
      disk.free();
      expect(states(resultOf<CallResult>(await bob.request('callAccept', { callID })))).toEqual([
        ['alice', 'accepted'],
        ['bob', 'accepted'],
      ]);
      await alice.push('callUserStateChanged');
      expect((await srv.healthz()).storage).toMatchObject({ ready: true });
      await logged(srv, /storage available again after \d+ ms \(was SQLITE_FULL\)/);
      expect(resultOf<{ userId: string }>(await carol.login('carol')).userId).toBe('carol');
      const first = resultOf<CallResult>(await dave.request('callInvite', { invitees: ['carol'] })).call.callID;
      await carol.push('callInvitationReceived');
      resultOf<CallResult>(await carol.request('callReject', { callID: first }));
      const second = resultOf<CallResult>(await dave.request('callInvite', { invitees: ['carol'], timeout: 2 })).call.callID;
      await carol.push('callInvitationReceived');

      // A second outage, during which that call's 2 s timeout runs out, and no traffic after it.
      disk.fill();
      const erin = await RawClient.open(srv.url);
      expect(code(await erin.login('bob', 'bob-2'))).toBe('storage_unavailable');
      expect((await srv.healthz()).ready).toBe(false);
      await sleep(3000);
      const endedPush = (f: (typeof dave.unread)[number]): boolean =>
        f.kind === 'push' && f.push.type === 'callInvitationEnded' && f.push.data.callID === second;
      expect(dave.unread.filter(endedPush)).toEqual([]); // the timeout could not be stored, so it was not pushed
      disk.free();
      // The periodic probe brings readiness back by itself, and the timeout that was due is stored and pushed then.
      await untilReady(srv, true);
      expect(await dave.take(endedPush, 'the timed-out call ends after recovery', 10_000)).toMatchObject({ push: { data: { reason: 'allAnswered' } } });
      await logged(srv, /storage unavailable: SQLITE_FULL/, 2);
      expect(count(srv.log(), /storage unavailable: SQLITE_FULL/)).toBe(2);
      expect(srv.alive()).toBe(true);
    },
    60_000,
  );
});

describe('a read-only database file (immutable: even root cannot write it)', () => {
  it.skipIf(!IMMUTABLE.ok)(
    'the server starts, answers storage_unavailable with SQLITE_READONLY, and once the file is writable again reopens it and works',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ringdesk-ro-'));
      const db = join(dir, 'db.sqlite');
      await seedDatabase(db, ['alice', 'bob']);
      setImmutable(db, true);
      cleanups.push(() => {
        setImmutable(db, false);
        rmSync(dir, { recursive: true, force: true });
      });
      srv = await startServerProcess(db);

      const alice = await RawClient.open(srv.url);
      expect(code(await alice.login('alice'))).toBe('storage_unavailable');
      expect(code(await alice.login('alice'))).toBe('storage_unavailable');
      expect(await srv.healthz()).toMatchObject({ ready: false, storage: { lastError: { code: 'SQLITE_READONLY' } } });
      await logged(srv, /storage unavailable: SQLITE_READONLY/);
      expect(count(srv.log(), /storage unavailable: SQLITE_READONLY/)).toBe(1);
      expect(srv.alive()).toBe(true);

      // SQLite opened the file read-only and would stay so: the probe reopens it.
      setImmutable(db, false);
      await untilReady(srv, true);
      expect(resultOf<{ userId: string }>(await alice.login('alice')).userId).toBe('alice');
      const bob = await rawSession(srv.url, 'bob');
      const { call } = resultOf<CallResult>(await alice.request('callInvite', { invitees: ['bob'] }));
      expect((await bob.push('callInvitationReceived')).data).toMatchObject({ call: { callID: call.callID } });
    },
    60_000,
  );
});
