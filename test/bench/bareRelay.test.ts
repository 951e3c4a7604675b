// bench:signaling's bare relay must write what the real server writes for the bench's calls (else its floor
// compares unlike work), and its baseline phase must run the bench's own clients through it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bareBaseline } from '../../bench/bare/baseline.ts';
import { assignUsers } from '../../bench/clients.ts';
import { Child, userName } from '../../bench/processes.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { TokenSigner } from '../../server/auth/tokens.ts';
import { SqliteStore } from '../../server/store/sqliteStore.ts';
import { PROTOCOL_VERSION, asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';

const secretHex = randomBytes(32).toString('hex');
const signer = new TokenSigner(Buffer.from(secretHex, 'hex'));
const dirs: string[] = [];
const children: Child[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(5000)));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Waits for a frame to arrive (the comparison below then says what differs, if it never does). */
async function until(arrived: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !arrived(); i++) await new Promise((r) => setTimeout(r, 10));
}

type Frame = { id?: number; type?: string; [k: string]: unknown };

/** A bench user's socket that keeps every frame it is sent, as text, and answers requests in order. */
async function user(url: string, userId: string): Promise<{ frames: string[]; req: (type: string, data: unknown) => Promise<Frame>; close: () => void }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const frames: string[] = [];
  const waiting = new Map<number, (f: Frame) => void>();
  let next = 1;
  ws.on('message', (b) => {
    const text = String(b);
    frames.push(text);
    const f = JSON.parse(text) as Frame;
    if (typeof f.id === 'number') waiting.get(f.id)?.(f);
  });
  const req = (type: string, data: unknown): Promise<Frame> =>
    new Promise((r) => {
      const id = next++;
      waiting.set(id, r);
      ws.send(JSON.stringify({ id, type, data }));
    });
  const t = Date.now();
  const token = signer.sign({ userId: asUserId(userId), deviceId: asDeviceId('bench-d1'), issuedAt: t, expiresAt: t + 3_600_000, authAt: t });
  const resumed = await req('resume', { token, deviceId: 'bench-d1', deviceName: 'bench', protocolVersion: PROTOCOL_VERSION });
  if (!('result' in resumed)) throw new Error(`resume failed: ${JSON.stringify(resumed)}`);
  frames.length = 0;
  return { frames, req, close: () => ws.close() };
}

/** The bench's call (invite → ack → reject) between two users; what each socket got, ids and times blanked. */
async function oneCall(url: string): Promise<{ caller: string[]; invitee: string[] }> {
  const a = await user(url, userName(0));
  const b = await user(url, userName(1));
  const invited = await a.req('callInvite', { invitees: [userName(1)], timeout: 30, extendedData: 'bench:1' });
  await until(() => b.frames.some((f) => f.includes('"callInvitationReceived"')));
  const callID = (invited['result'] as { call: { callID: string } }).call.callID;
  await b.req('callAck', { callID });
  await b.req('callReject', { callID });
  // The caller's last frames (ended, record) are written in the same tick as the rejecter's answer.
  await until(() => a.frames.some((f) => f.includes('"callRecord"')));
  a.close();
  b.close();
  const blank = (f: string): string => f.replaceAll(callID, '<callID>').replace(/("(?:createdAt|endedAt)":)\d+/g, '$1<t>');
  return { caller: a.frames.map(blank), invitee: b.frames.map(blank) };
}

async function seededServer(): Promise<string> {
  const dir = mkdtempSync(join(os.tmpdir(), 'ringdesk-bare-'));
  dirs.push(dir);
  const db = join(dir, 'db.sqlite');
  const store = new SqliteStore(db);
  const hash = await hashPassword('bench-password-1');
  for (let i = 0; i < 2; i++) await store.createUser({ userId: asUserId(userName(i)), displayName: `Bench ${i}`, passwordHash: hash, disabled: false, createdAt: Date.now() });
  await store.close();
  writeFileSync(join(dir, 'config.json'), '{}');
  const server = new Child('server', 'bench/server-entry.ts', [], ['serve', '--port', '0', '--db', db], 1024, {
    ...process.env,
    RINGDESK_SERVER_CONFIG: join(dir, 'config.json'),
    RINGDESK_TOKEN_SECRET: secretHex,
  });
  children.push(server);
  return server.readyUrl();
}

describe('the bare relay of bench:signaling', () => {
  it('writes the real server\'s frames for the bench\'s call: the same pushes to the same sockets, in the same order, of the same shape', async () => {
    const relay = new Child('bare-relay', 'bench/bare/relay.ts', [], [], 1024, { ...process.env, RINGDESK_TOKEN_SECRET: secretHex });
    children.push(relay);
    const [real, bare] = await Promise.all([seededServer().then(oneCall), relay.readyUrl().then(oneCall)]);
    expect(real.caller.length).toBeGreaterThanOrEqual(5); // created, answer, received, rejected, ended, record
    expect(bare.caller).toEqual(real.caller);
    expect(bare.invitee).toEqual(real.invitee);
  });

  it('carries the bench\'s own clients through a baseline phase: every invitation sent is received and ended', async () => {
    const assignment = assignUsers(24, 10, 1);
    const r = await bareBaseline(
      { assignment, secretHex, localAddresses: null, concurrency: 8, rate: 20, churn: 1, churnPool: 4, warmupS: 0, durationS: 1 },
      children,
      () => undefined,
    );
    expect(r.connectFailed).toBe(0);
    expect(r.latency.sent).toBeGreaterThan(0);
    expect(r.latency.received).toBe(r.latency.sent);
    expect(r.latency['ended']).toBe(r.latency.sent);
    expect(r.latency.inviteToReceivedPushMs.count).toBe(r.latency.sent);
    expect(r.latency.errors).toEqual({});
  });
});
