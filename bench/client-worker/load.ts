// The measured window of a client worker (bench/latency.ts's phase): open-loop invitations between its
// pairs and sign-out/sign-in churn of the other users, and what the clients measured of them.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { LatencyResult } from '../messages.ts';
import { EXT_PREFIX } from './inbound.ts';
import { openOne } from './session.ts';
import { bump, inFlight, request, stats, worker, type Client, type InFlight, type Pair, type Run } from './state.ts';

/** monitorEventLoopDelay samples include its own timer interval; it is subtracted from what we report. */
const LOOP_RESOLUTION_MS = 10;
let seqNext = 1;

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

/** How long a churned user stays signed out before signing in again (resume + sign-in work). */
const CHURN_OFFLINE_MS = 1000;

/**
 * Sign-out/sign-in churn during the measured window: every 1/rate s the next signed-in user of the
 * churn pool (users outside the caller/invitee pairs) closes its socket, as an app that quits does,
 * and signs in again CHURN_OFFLINE_MS later. Returns a stop function.
 */
function startChurn(rate: number, r: LatencyResult): () => void {
  const pool = worker.clients.filter((c) => c.pair === null);
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

/** Open-loop load: invitation k is due at start + k/rate whatever happened to the earlier ones. */
export function latency(rate: number, durationMs: number, drainMs: number, callTimeoutSec: number, churnRate = 0): Promise<LatencyResult> {
  const run: Run = { result: emptyResult(), firstSend: 0, lastSend: 0 };
  const r = run.result;
  const usable = worker.pairs.filter((p) => p.caller.authed && p.invitee.authed);
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
