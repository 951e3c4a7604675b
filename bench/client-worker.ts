// A client worker of the signaling benchmark: many raw `ws` sockets speaking the real protocol
// (resume, heartbeat, callInvite, callAck, callReject), driven by bench/signaling.ts over IPC.
// Callers and their invitees live in the same worker, so send and receive times come from one clock.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { WebSocket, type RawData } from 'ws';
import { TokenSigner } from '../server/auth/tokens.ts';
import { PROTOCOL_VERSION, asDeviceId, asUserId } from '../src/shared/protocol/index.ts';
import { DEFAULT_BACKOFF, backoffDelay, busyDelay, retryHint } from '../src/main/signaling/backoff.ts';
import type { ConnectResult, LatencyResult, WorkerCommand, WorkerReply, WorkerStats } from './messages.ts';
import { SIGN_IN_STEPS, type SignInStep } from './signin.ts';

const DEVICE_ID = 'bench-d1';
const TOKEN_TTL_MS = 24 * 3600 * 1000;
/** Pushes of this type start with these bytes (JSON.stringify of `{ type, data }`): counted, never parsed. */
const PRESENCE_PREFIX = Buffer.from('{"type":"presenceChanged"');
const EXT_PREFIX = 'bench:';
/** monitorEventLoopDelay samples include its own timer interval; it is subtracted from what we report. */
const LOOP_RESOLUTION_MS = 10;

type Frame = { id?: number | null; result?: unknown; error?: { code: string; message: string }; type?: string; data?: unknown };
type OnReply = (f: Frame) => void;

interface Client {
  userId: string;
  index: number;
  ws: WebSocket | null;
  authed: boolean;
  nextId: number;
  pending: Map<number, OnReply>;
  hbTimer: NodeJS.Timeout | null;
  pair: Pair | null;
  /** True for the pair's caller. */
  caller: boolean;
  /** Signed out on purpose by the churn: its close is expected. */
  churning: boolean;
}

interface Pair {
  caller: Client;
  invitee: Client;
  busy: boolean;
  busySince: number;
  /** Sequence number of the invitation in flight (carried in extendedData). */
  seq: number;
}

interface InFlight {
  /** The invitation's slot in the open-loop schedule: latency runs from here, not from the actual send. */
  t0: number;
  sentAt: number;
  /** From the callInvite result; callInvitationEnded is matched on it. */
  callID: string;
  pair: Pair;
  run: Run;
  gotPush: boolean;
  gotCallerReceived: boolean;
}

interface Run {
  result: LatencyResult;
  firstSend: number;
  lastSend: number;
}

let url = '';
/** Per user (by index), when users sit on different nodes of a cluster (bench/cluster.ts). */
let urls: string[] | null = null;
let signer: TokenSigner | null = null;
let clients: Client[] = [];
let pairs: Pair[] = [];
let localAddresses: string[] | null = null;
let concurrency = 50;
let connectedUpTo = 0;
let seqNext = 1;
const inFlight = new Map<number, InFlight>();
const stats: WorkerStats = {
  open: 0,
  lastPresenceAt: 0,
  presenceFrames: 0,
  presenceBytes: 0,
  framesIn: 0,
  bytesIn: 0,
  heartbeatsSent: 0,
  busyRefusals: 0,
  socketRetries: 0,
  socketRetryReasons: {},
  unexpectedCloses: {},
  cpuUserMs: 0,
  cpuSystemMs: 0,
  rssBytes: 0,
};
let closing = false;

const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};
const nowAbs = (): number => performance.timeOrigin + performance.now();

function request(c: Client, type: string, data: unknown, onReply: OnReply): void {
  const ws = c.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    onReply({ id: null, error: { code: 'socket_closed', message: 'socket not open' } });
    return;
  }
  const id = c.nextId++;
  c.pending.set(id, onReply);
  ws.send(JSON.stringify({ id, type, data }));
}

function startHeartbeat(c: Client, intervalMs: number): void {
  // Random phase, as real clients that connected at different times would have.
  c.hbTimer = setTimeout(() => {
    const beat = (): void => {
      stats.heartbeatsSent++;
      request(c, 'heartbeat', {}, () => {});
    };
    beat();
    c.hbTimer = setInterval(beat, intervalMs);
  }, Math.random() * intervalMs);
}

function onMessage(c: Client, buf: Buffer): void {
  stats.framesIn++;
  stats.bytesIn += buf.length;
  if (buf.length >= PRESENCE_PREFIX.length && buf.compare(PRESENCE_PREFIX, 0, PRESENCE_PREFIX.length, 0, PRESENCE_PREFIX.length) === 0) {
    stats.presenceFrames++;
    stats.presenceBytes += buf.length;
    stats.lastPresenceAt = nowAbs();
    return;
  }
  const t = performance.now();
  const f = JSON.parse(buf.toString('utf8')) as Frame; // the server only sends JSON objects
  if (typeof f.id === 'number' || f.id === null) {
    const cb = typeof f.id === 'number' ? c.pending.get(f.id) : undefined;
    if (cb && typeof f.id === 'number') {
      c.pending.delete(f.id);
      cb(f);
    }
    return;
  }
  onPush(c, f.type ?? '', f.data, t);
}

function seqOf(extendedData: unknown): number {
  return typeof extendedData === 'string' && extendedData.startsWith(EXT_PREFIX) ? Number(extendedData.slice(EXT_PREFIX.length)) : 0;
}

function onPush(c: Client, type: string, data: unknown, t: number): void {
  switch (type) {
    case 'callInvitationReceived': {
      const call = (data as { call: { callID: string; extendedData: string } }).call;
      const f = inFlight.get(seqOf(call.extendedData));
      if (f && !f.gotPush && f.pair.invitee === c) {
        f.gotPush = true;
        f.run.result.received++;
        f.run.result.inviteToPushMs.push(t - f.t0);
        f.run.result.inviteToPushFromSendMs.push(t - f.sentAt);
      }
      // What a real client does: ack (the caller then sees Received), then the user declines.
      request(c, 'callAck', { callID: call.callID }, (r) => {
        if (r.error) {
          if (f) bump(f.run.result.errors, `callAck:${r.error.code}`);
          return;
        }
        request(c, 'callReject', { callID: call.callID }, (r2) => {
          if (r2.error && f) bump(f.run.result.errors, `callReject:${r2.error.code}`);
        });
      });
      return;
    }
    case 'callUserStateChanged': {
      const p = c.pair;
      if (!p || !c.caller || !p.busy) return;
      const f = inFlight.get(p.seq);
      const users = (data as { users: { userId: string; state: string }[] }).users;
      if (f && !f.gotCallerReceived && users.some((u) => u.userId === p.invitee.userId && u.state === 'received')) {
        f.gotCallerReceived = true;
        f.run.result.inviteToCallerReceivedMs.push(t - f.t0);
      }
      return;
    }
    case 'callInvitationEnded': {
      const p = c.pair;
      if (!p || !c.caller || !p.busy) return;
      const f = inFlight.get(p.seq);
      // The invite result always arrives before the end (the server answers before it reads the invitee's reply),
      // so an end with another callID belongs to an earlier call given up as stuck.
      if (!f || f.callID !== (data as { callID: string }).callID) return;
      f.run.result.ended++;
      inFlight.delete(p.seq);
      p.busy = false;
      return;
    }
    default:
      return; // callInvitationCreated, callRecord, callDeliveryChanged, …: nothing to do
  }
}

/** The app's sign-in steps (all unless the storm's --sign-in-steps chose some). */
let signInSteps: readonly SignInStep[] = SIGN_IN_STEPS;

/** Sends every sign-in step's request at once; resolves with the first error code, or null. */
function signInWork(c: Client): Promise<string | null> {
  return new Promise((resolve) => {
    let left = signInSteps.length;
    let failed: string | null = null;
    if (left === 0) return resolve(null);
    for (const step of signInSteps) {
      request(c, step.type, step.data(c.userId), (r) => {
        if (r.error && !failed) failed = `${step.name}:${r.error.code}`;
        if (--left === 0) resolve(failed);
      });
    }
  });
}

/**
 * A socket that failed before it opened (reset, refused, handshake timeout) is tried again this many
 * times with the app's backoff (full jitter from 500 ms) before the user counts as failed.
 */
const MAX_SOCKET_RETRIES = 6;

/**
 * Opens, resumes and does the sign-in work as the app does: a 4503 "server busy" is retried after
 * its hint plus jitter, a socket error with the app's reconnect backoff (src/main/signaling/backoff.ts).
 */
async function openOne(c: Client): Promise<string | null> {
  const t0 = performance.now();
  let socketFailures = 0;
  for (;;) {
    const { err, busyMs } = await openOnce(c, t0);
    if (busyMs !== null) {
      stats.busyRefusals++;
      await new Promise((res) => setTimeout(res, busyDelay(busyMs, Math.random)));
      continue;
    }
    // Only failures before the socket opened: a sign-in the server refused is an answer, not a network error.
    if (err === null || !err.startsWith('socket:') || c.authed || socketFailures >= MAX_SOCKET_RETRIES) return err;
    stats.socketRetries++;
    bump(stats.socketRetryReasons, err);
    await new Promise((res) => setTimeout(res, backoffDelay(socketFailures++, DEFAULT_BACKOFF, Math.random)));
  }
}

function openOnce(c: Client, t0: number): Promise<{ err: string | null; busyMs: number | null }> {
  return new Promise((resolveOnce) => {
    const resolve = (err: string | null, busyMs: number | null = null): void => resolveOnce({ err, busyMs });
    const opts: ConstructorParameters<typeof WebSocket>[2] = { perMessageDeflate: false, handshakeTimeout: 60_000 };
    if (localAddresses) opts.localAddress = localAddresses[c.index % localAddresses.length];
    const ws = new WebSocket(urls?.[c.index] ?? url, opts);
    c.ws = ws;
    let settled = false;
    const done = (err: string | null): void => {
      if (settled) return;
      settled = true;
      if (err === null) connectMs.push(performance.now() - t0);
      resolve(err);
    };
    ws.on('error', (e: Error & { code?: string }) => done(`socket:${e.code ?? e.message}`));
    ws.on('close', (code, reasonBuf) => {
      const hint = settled ? null : retryHint(code, reasonBuf.toString());
      if (hint !== null) {
        settled = true;
        c.ws = null;
        return resolve(null, hint);
      }
      // A socket the churn already let go of: its late close must not touch the client's next connection.
      if (c.ws !== ws) return done(`close:${code}`);
      const wasAuthed = c.authed;
      c.authed = false;
      c.ws = null;
      if (c.hbTimer) clearInterval(c.hbTimer);
      c.hbTimer = null;
      for (const cb of c.pending.values()) cb({ id: null, error: { code: 'socket_closed', message: 'closed' } });
      c.pending.clear();
      if (wasAuthed) {
        stats.open--;
        if (!closing && !c.churning) bump(stats.unexpectedCloses, String(code));
      }
      done(`close:${code}`);
    });
    ws.on('message', (data: RawData) => onMessage(c, data as Buffer)); // binaryType is the default 'nodebuffer': always one Buffer
    ws.on('open', () => {
      if (!signer) return done('no_signer');
      const issuedAt = Date.now();
      const userId = asUserId(c.userId);
      const deviceId = asDeviceId(DEVICE_ID);
      const token = signer.sign({ userId, deviceId, issuedAt, expiresAt: issuedAt + TOKEN_TTL_MS, authAt: issuedAt });
      request(c, 'resume', { token, deviceId, deviceName: 'bench', protocolVersion: PROTOCOL_VERSION }, (r) => {
        if (r.error) {
          ws.close();
          return done(`resume:${r.error.code}`);
        }
        c.authed = true;
        stats.open++;
        startHeartbeat(c, (r.result as { heartbeatIntervalMs: number }).heartbeatIntervalMs);
        void signInWork(c).then(done);
      });
    });
  });
}

let connectMs: number[] = [];

async function connect(count: number): Promise<ConnectResult> {
  const start = performance.now();
  connectMs = [];
  const errors: Record<string, number> = {};
  let failed = 0;
  let opened = 0;
  const todo = clients.slice(connectedUpTo, Math.min(count, clients.length));
  connectedUpTo = Math.max(connectedUpTo, Math.min(count, clients.length));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length) {
      const c = todo[next++] as Client; // next < length
      const err = await openOne(c);
      if (err === null) opened++;
      else {
        failed++;
        bump(errors, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, lane));
  return { connected: stats.open, opened, failed, errors, connectMs, elapsedMs: performance.now() - start };
}

function emptyResult(): LatencyResult {
  return {
    scheduled: 0,
    sent: 0,
    skippedNoFreePair: 0,
    received: 0,
    ended: 0,
    stuck: 0,
    errors: {},
    inviteToPushMs: [],
    inviteToPushFromSendMs: [],
    inviteToCallerReceivedMs: [],
    signOuts: 0,
    signIns: 0,
    signInMs: [],
    sendLagMs: [],
    sendWindowMs: 0,
    loopDelayP99Ms: 0,
    loopDelayMaxMs: 0,
    cpuUserMs: 0,
    cpuSystemMs: 0,
  };
}

/** Open-loop load: invitation k is due at start + k/rate whatever happened to the earlier ones. */
/** How long a churned user stays signed out before signing in again (resume + sign-in work). */
const CHURN_OFFLINE_MS = 1000;

/**
 * Sign-out/sign-in churn during the measured window: every 1/rate s the next signed-in user of the
 * churn pool (users outside the caller/invitee pairs) closes its socket, as an app that quits does,
 * and signs in again CHURN_OFFLINE_MS later. Returns a stop function.
 */
function startChurn(rate: number, r: LatencyResult): () => void {
  const pool = clients.filter((c) => c.pair === null);
  if (rate <= 0 || pool.length === 0) return () => undefined;
  let cursor = 0;
  const timer = setInterval(() => {
    for (let tries = 0; tries < pool.length; tries++) {
      const c = pool[cursor] as Client; // cursor < pool.length
      cursor = (cursor + 1) % pool.length;
      if (!c.authed || !c.ws) continue;
      c.churning = true;
      r.signOuts++;
      // Let go of the socket at once (its close event may come much later on a busy machine).
      const old = c.ws;
      c.ws = null;
      c.authed = false;
      stats.open--;
      if (c.hbTimer) clearInterval(c.hbTimer);
      c.hbTimer = null;
      for (const cb of c.pending.values()) cb({ id: null, error: { code: 'socket_closed', message: 'signed out' } });
      c.pending.clear();
      old.close(1000, 'churn');
      setTimeout(() => {
        const t = performance.now();
        void openOne(c).then((err) => {
          c.churning = false;
          if (err === null) {
            r.signIns++;
            r.signInMs.push(performance.now() - t);
          } else bump(r.errors, `churnSignIn:${err}`);
        });
      }, CHURN_OFFLINE_MS);
      return;
    }
  }, 1000 / rate);
  return () => clearInterval(timer);
}

function latency(rate: number, durationMs: number, drainMs: number, callTimeoutSec: number, churnRate = 0): Promise<LatencyResult> {
  const run: Run = { result: emptyResult(), firstSend: 0, lastSend: 0 };
  const r = run.result;
  const usable = pairs.filter((p) => p.caller.authed && p.invitee.authed);
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpu0 = process.cpuUsage();
  let cursor = 0;
  const stuckAfterMs = Math.min(15_000, callTimeoutSec * 1000);

  const sendOne = (scheduledAt: number): void => {
    for (let tries = 0; tries < usable.length; tries++) {
      const p = usable[cursor] as Pair; // cursor < usable.length
      cursor = (cursor + 1) % usable.length;
      const now = performance.now();
      if (p.busy && now - p.busySince > stuckAfterMs) {
        // Never ended: count it, drop its bookkeeping and let the pair call again.
        r.stuck++;
        inFlight.delete(p.seq);
        p.busy = false;
      }
      if (p.busy || !p.caller.authed || !p.invitee.authed) continue;
      const seq = seqNext++;
      p.busy = true;
      p.seq = seq;
      const f: InFlight = { t0: scheduledAt, sentAt: 0, callID: '', pair: p, run, gotPush: false, gotCallerReceived: false };
      inFlight.set(seq, f);
      const data = { invitees: [p.invitee.userId], timeout: callTimeoutSec, extendedData: `${EXT_PREFIX}${seq}` };
      f.sentAt = performance.now(); // just before the frame is written
      p.busySince = f.sentAt;
      r.sendLagMs.push(f.sentAt - scheduledAt);
      request(p.caller, 'callInvite', data, (res) => {
        if (!res.error) {
          f.callID = (res.result as { call: { callID: string } }).call.callID;
          return;
        }
        bump(r.errors, `callInvite:${res.error.code}`);
        if (p.seq === seq) {
          inFlight.delete(seq);
          p.busy = false;
        }
      });
      r.sent++;
      if (run.firstSend === 0) run.firstSend = f.sentAt;
      run.lastSend = f.sentAt;
      return;
    }
    r.skippedNoFreePair++;
  };

  return new Promise((resolve) => {
    const start = performance.now();
    const interval = 1000 / rate;
    const stopChurn = startChurn(churnRate, r);
    const tick = (): void => {
      const elapsed = performance.now() - start;
      const due = Math.min(Math.floor(elapsed / interval) + 1, Math.floor(durationMs / interval));
      while (r.scheduled < due) {
        const at = start + r.scheduled * interval;
        r.scheduled++;
        sendOne(at);
      }
      if (elapsed < durationMs) {
        setTimeout(tick, 1);
        return;
      }
      stopChurn();
      // Let the calls in flight finish (received, acked, rejected, ended) before reporting.
      const drainEnd = performance.now() + drainMs;
      const drain = (): void => {
        const busy = usable.filter((p) => p.busy).length;
        if (busy > 0 && performance.now() < drainEnd) {
          setTimeout(drain, 20);
          return;
        }
        r.stuck += busy;
        for (const p of usable) {
          if (!p.busy) continue;
          inFlight.delete(p.seq);
          p.busy = false;
        }
        loop.disable();
        const cpu = process.cpuUsage(cpu0);
        r.sendWindowMs = run.lastSend - run.firstSend;
        r.loopDelayP99Ms = Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS);
        r.loopDelayMaxMs = Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS);
        r.cpuUserMs = cpu.user / 1000;
        r.cpuSystemMs = cpu.system / 1000;
        resolve(r);
      };
      drain();
    };
    tick();
  });
}

async function closeAll(): Promise<void> {
  closing = true;
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.hbTimer) clearInterval(c.hbTimer);
          const ws = c.ws;
          if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000, 'bench done');
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 3000).unref();
        }),
    ),
  );
}

async function handle(m: WorkerCommand): Promise<unknown> {
  switch (m.cmd) {
    case 'init': {
      url = m.url;
      urls = m.urls ?? null;
      signer = new TokenSigner(Buffer.from(m.secretHex, 'hex'));
      localAddresses = m.localAddresses;
      concurrency = m.concurrency;
      signInSteps = m.signInSteps ? SIGN_IN_STEPS.filter((s) => m.signInSteps?.includes(s.name)) : SIGN_IN_STEPS;
      clients = m.users.map((userId, index) => ({
        userId,
        index,
        ws: null,
        authed: false,
        nextId: 1,
        pending: new Map(),
        hbTimer: null,
        pair: null,
        caller: false,
        churning: false,
      }));
      pairs = [];
      for (let i = 0; i < m.pairCount; i++) {
        const caller = clients[2 * i];
        const invitee = clients[2 * i + 1];
        if (!caller || !invitee) throw new Error(`pair ${i} is out of range`);
        const p: Pair = { caller, invitee, busy: false, busySince: 0, seq: 0 };
        caller.pair = p;
        caller.caller = true;
        invitee.pair = p;
        pairs.push(p);
      }
      return { users: clients.length, pairs: pairs.length };
    }
    case 'connect':
      return connect(m.count);
    case 'stats': {
      const cpu = process.cpuUsage();
      return { ...stats, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, rssBytes: process.memoryUsage.rss() };
    }
    case 'latency':
      return latency(m.rate, m.durationMs, m.drainMs, m.callTimeoutSec, m.churnRate);
    case 'close':
      await closeAll();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (m: WorkerCommand) => {
  handle(m).then(
    (data) => process.send?.({ rid: m.rid, ok: true, data } satisfies WorkerReply),
    (e: unknown) => process.send?.({ rid: m.rid, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply),
  );
});
// The orchestrator is gone: nothing left to report to.
process.on('disconnect', () => process.exit(0));
