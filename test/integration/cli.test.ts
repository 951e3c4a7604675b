import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { EVENT_WAIT_MS, PASSWORD, startTestServer, type TestServer } from './harness.ts';

const CLI = new URL('../../src/main/cli/index.ts', import.meta.url).pathname;
type Line = Record<string, unknown> & { type: string };

let srv: TestServer;
const procs: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill();
  await srv.close();
});

/** Starts the CLI and collects its stdout lines; `next(pred)` waits for a matching line. */
function cli(args: string[]) {
  const p = spawn(process.execPath, [CLI, '--server', srv.url, '--password', PASSWORD, ...args]);
  procs.push(p);
  const lines: Line[] = [];
  const waiters: { pred: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  createInterface({ input: p.stdout }).on('line', (text) => {
    const l = JSON.parse(text) as Line; // the CLI prints one JSON object per line
    lines.push(l);
    for (const w of [...waiters]) {
      if (!w.pred(l)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(l);
    }
  });
  const next = (pred: (l: Line) => boolean, ms = EVENT_WAIT_MS): Promise<Line> =>
    new Promise((resolve, reject) => {
      const hit = lines.find(pred);
      if (hit) return resolve(hit);
      const t = setTimeout(() => reject(new Error(`no matching line; got ${JSON.stringify(lines)}`)), ms);
      waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
    });
  const send = (o: unknown): void => void p.stdin.write(`${typeof o === 'string' ? o : JSON.stringify(o)}\n`);
  return { p, lines, next, send };
}

it('two CLI clients place and answer a call over JSON lines; bad lines get clear errors', async () => {
  srv = await startTestServer(['alice', 'bob']);
  const bob = cli(['--user', 'bob', '--auto', 'accept']);
  await bob.next((l) => l.type === 'session');
  const alice = cli(['--user', 'alice']);
  alice.send('this is not json');
  alice.send({ cmd: 'callInvite', invitees: ['bob'], timeout: 0 });
  alice.send({ cmd: 'dial', to: 'bob' });
  alice.send({ cmd: 'callInvite', invitees: ['bob'], timeout: 30, id: 'c1' });
  expect(await alice.next((l) => l.type === 'error' && (l['error'] as { code: string }).code === 'malformed_json')).toBeTruthy();
  const bad = await alice.next((l) => l.type === 'error' && String((l['error'] as { message: string }).message).includes('timeout'));
  expect((bad['error'] as { code: string }).code).toBe('bad_request');
  const res = await alice.next((l) => l.type === 'result' && l['id'] === 'c1');
  expect(res['cmd']).toBe('callInvite');
  const accepted = await alice.next(
    (l) => l.type === 'event' && l['event'] === 'callUserStateChanged' && JSON.stringify(l['data']).includes('"state":"accepted"'),
  );
  expect(accepted).toBeTruthy();
  await bob.next((l) => l.type === 'event' && l['event'] === 'callInvitationReceived');
  alice.p.stdin.end();
  // 'close' (stdout and stderr drained), not 'exit': the lines checked below may still be in the pipe at exit.
  const code = await new Promise<number | null>((r) => alice.p.once('close', r));
  expect(code).toBe(0);
  const errors = alice.lines.filter((l) => l.type === 'error');
  expect(errors).toHaveLength(3);
  // Each error line says which line it answers (README: "id" and "cmd"), null where the line named none.
  expect(errors.map((l) => [l['cmd'], l['id'], (l['error'] as { code: string }).code])).toEqual([
    [null, null, 'malformed_json'],
    ['callInvite', null, 'bad_request'],
    ['dial', null, 'unknown_type'],
  ]);
});

it('refuses to start without a valid user id', async () => {
  srv = await startTestServer([]);
  const p = spawn(process.execPath, [CLI, '--user', 'Not Valid!', '--password', 'x']);
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => p.once('close', r));
  expect(code).toBe(2);
  expect(err).toContain('--user');
});

it('the directory over the CLI: search, favorites on two devices, a subscription that survives a reconnect', async () => {
  srv = await startTestServer(['alice', 'bob', 'carol']);
  const phone = cli(['--user', 'alice', '--device', 'alice-phone']);
  await phone.next((l) => l.type === 'session');
  const a = cli(['--user', 'alice']);
  await a.next((l) => l.type === 'session');
  a.send({ cmd: 'directorySearch', query: 'CAR', id: 's1' });
  a.send({ cmd: 'directorySearch', query: 'a', limit: 51, id: 's2' });
  a.send({ cmd: 'favoritesAdd', userId: 'bob', id: 'f1' });
  a.send({ cmd: 'presenceSubscribe', userIds: ['bob'], id: 'p1' });
  const s1 = await a.next((l) => l.type === 'result' && l['id'] === 's1');
  expect(s1['result']).toEqual({ users: [{ userId: 'carol', displayName: 'CAROL', presence: 'offline', dnd: false }], nextCursor: null });
  // Refused by the CLI's own schema (the protocol's), before it reaches the server.
  const s2 = await a.next((l) => l.type === 'error' && String((l['error'] as { message: string }).message).includes('limit'));
  expect(s2['error']).toEqual({ code: 'bad_request', message: 'directorySearch: limit: Too big: expected number to be <=50' });
  expect([s2['cmd'], s2['id']]).toEqual(['directorySearch', 's2']); // error lines name the command and id they refuse
  await a.next((l) => l.type === 'result' && l['id'] === 'f1');
  const pushed = await phone.next((l) => l.type === 'event' && l['event'] === 'favoritesChanged');
  expect(pushed['data']).toMatchObject({ user: { userId: 'bob' }, favorite: true });
  await a.next((l) => l.type === 'result' && l['id'] === 'p1');

  // The server drops alice's CLI connection: after the reconnect it subscribes to bob again.
  const devices = srv.server.services.sessions.devices(asUserId('alice'));
  expect(devices.map((d) => d.deviceId).sort()).toEqual(['alice-phone', 'cli-alice']);
  for (const d of devices) if (d.deviceId === 'cli-alice') d.close(1012, 'test restart');
  await a.next((l) => l.type === 'state' && l['state'] === 'reconnecting');
  await a.next((l) => l.type === 'event' && l['event'] === 'presenceResubscribed');
  const b = cli(['--user', 'bob']);
  await b.next((l) => l.type === 'session');
  const online = await a.next((l) => l.type === 'event' && l['event'] === 'presenceChanged' && JSON.stringify(l['data']).includes('"presence":"online"'));
  expect(JSON.stringify(online['data'])).toContain('"userId":"bob"');
});
