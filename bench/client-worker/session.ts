// A client's connection as the app makes it: open, resume with a minted token, the app's sign-in work,
// heartbeats, retries of busy refusals and socket errors; and connecting or closing many clients at once.
import { performance } from 'node:perf_hooks';
import { WebSocket, type RawData } from 'ws';
import { PROTOCOL_VERSION, asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { DEFAULT_BACKOFF, backoffDelay, busyDelay, retryHint } from '../../src/main/signaling/backoff.ts';
import type { ConnectResult } from '../messages.ts';
import { onMessage } from './inbound.ts';
import { bump, request, stats, worker, type Client } from './state.ts';

const DEVICE_ID = 'bench-d1';
const TOKEN_TTL_MS = 24 * 3600 * 1000;
let connectedUpTo = 0;
let closing = false;

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

/** Sends every sign-in step's request at once; resolves with the first error code, or null. */
function signInWork(c: Client): Promise<string | null> {
  return new Promise((resolve) => {
    let left = worker.signInSteps.length;
    let failed: string | null = null;
    if (left === 0) return resolve(null);
    for (const step of worker.signInSteps) {
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
export async function openOne(c: Client): Promise<string | null> {
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
    if (worker.localAddresses) opts.localAddress = worker.localAddresses[c.index % worker.localAddresses.length];
    const ws = new WebSocket(worker.urls?.[c.index] ?? worker.url, opts);
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
      if (!worker.signer) return done('no_signer');
      const issuedAt = Date.now();
      const userId = asUserId(c.userId);
      const deviceId = asDeviceId(DEVICE_ID);
      const token = worker.signer.sign({ userId, deviceId, issuedAt, expiresAt: issuedAt + TOKEN_TTL_MS, authAt: issuedAt });
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

export async function connect(count: number): Promise<ConnectResult> {
  const start = performance.now();
  connectMs = [];
  const errors: Record<string, number> = {};
  let failed = 0;
  let opened = 0;
  const todo = worker.clients.slice(connectedUpTo, Math.min(count, worker.clients.length));
  connectedUpTo = Math.max(connectedUpTo, Math.min(count, worker.clients.length));
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
  await Promise.all(Array.from({ length: Math.min(worker.concurrency, todo.length) }, lane));
  return { connected: stats.open, opened, failed, errors, connectMs, elapsedMs: performance.now() - start };
}

export async function closeAll(): Promise<void> {
  closing = true;
  await Promise.all(
    worker.clients.map(
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
