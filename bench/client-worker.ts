// A client worker of the signaling benchmark: many raw `ws` sockets speaking the real protocol
// (resume, heartbeat, callInvite, callAck, callReject), driven by bench/signaling.ts over IPC.
// Callers and their invitees live in the same worker, so send and receive times come from one clock.
// This file answers the orchestrator's commands; the work is in bench/client-worker/ (state, session, inbound, load).
import { TokenSigner } from '../server/auth/tokens.ts';
import type { WorkerCommand, WorkerReply } from './messages.ts';
import { SIGN_IN_STEPS } from './signin.ts';
import { latency } from './client-worker/load.ts';
import { closeAll, connect } from './client-worker/session.ts';
import { stats, worker, type Pair } from './client-worker/state.ts';

async function handle(m: WorkerCommand): Promise<unknown> {
  switch (m.cmd) {
    case 'init': {
      worker.url = m.url;
      worker.urls = m.urls ?? null;
      worker.signer = new TokenSigner(Buffer.from(m.secretHex, 'hex'));
      worker.localAddresses = m.localAddresses;
      worker.concurrency = m.concurrency;
      worker.signInSteps = m.signInSteps ? SIGN_IN_STEPS.filter((s) => m.signInSteps?.includes(s.name)) : SIGN_IN_STEPS;
      worker.clients = m.users.map((userId, index) => ({
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
      worker.pairs = [];
      for (let i = 0; i < m.pairCount; i++) {
        const caller = worker.clients[2 * i];
        const invitee = worker.clients[2 * i + 1];
        if (!caller || !invitee) throw new Error(`pair ${i} is out of range`);
        const p: Pair = { caller, invitee, busy: false, busySince: 0, seq: 0 };
        caller.pair = p;
        caller.caller = true;
        invitee.pair = p;
        worker.pairs.push(p);
      }
      return { users: worker.clients.length, pairs: worker.pairs.length };
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
