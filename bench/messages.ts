// IPC shapes shared by bench/signaling.ts (the orchestrator), bench/client-worker.ts and bench/server-entry.ts.

/** Orchestrator → client worker. Every command carries `rid`; the worker answers with a WorkerReply of the same rid. */
export type WorkerCommand =
  | {
      rid: number;
      cmd: 'init';
      url: string;
      /** Cluster benches: each user's own node URL, in `users` order (overrides `url`). */
      urls?: string[];
      secretHex: string;
      /** This worker's users, in global connect order. The first 2 × pairCount form pairs: [caller, invitee], [caller, invitee], … */
      users: string[];
      pairCount: number;
      /** Source addresses to spread sockets over (more than ~28k loopback connections exhaust one address's ephemeral ports). */
      localAddresses: string[] | null;
      /** Connections being opened at once by this worker. */
      concurrency: number;
      /** The sign-in steps to do after the resume (names from bench/signin.ts); absent = all of them, as the app does. */
      signInSteps?: string[];
    }
  | { rid: number; cmd: 'connect'; count: number }
  | { rid: number; cmd: 'stats' }
  | { rid: number; cmd: 'latency'; rate: number; durationMs: number; drainMs: number; callTimeoutSec: number; churnRate: number }
  | { rid: number; cmd: 'close' };

export type WorkerReply = { rid: number; ok: true; data: unknown } | { rid: number; ok: false; error: string };

export interface ConnectResult {
  /** Sockets of this worker that are open and authenticated after this step. */
  connected: number;
  opened: number;
  failed: number;
  errors: Record<string, number>;
  /** Per-connection time from `new WebSocket` to the resume result, ms. */
  connectMs: number[];
  elapsedMs: number;
}

export interface WorkerStats {
  open: number;
  /** performance.timeOrigin + performance.now() of the last presenceChanged frame, or 0. */
  lastPresenceAt: number;
  presenceFrames: number;
  presenceBytes: number;
  framesIn: number;
  bytesIn: number;
  heartbeatsSent: number;
  /** Connections turned away with 4503 (server busy) and retried after the hint. */
  busyRefusals: number;
  /** Connections that failed before opening (reset, handshake timeout) and were tried again with the app's backoff. */
  socketRetries: number;
  socketRetryReasons: Record<string, number>;
  unexpectedCloses: Record<string, number>;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
}

export interface LatencyResult {
  /** Invitations that were due by the schedule. */
  scheduled: number;
  sent: number;
  /** Due but every pair of this worker was still in a call. */
  skippedNoFreePair: number;
  /** callInvitationReceived pushes that reached the invitee for an invitation of this run. */
  received: number;
  /** The caller saw its callInvitationEnded (the pair is free again). */
  ended: number;
  /** Pairs still in a call when the drain period ran out. */
  stuck: number;
  errors: Record<string, number>;
  /** The invitation's scheduled slot → invitee's callInvitationReceived, ms (open loop; one clock: both sockets live in this worker). */
  inviteToPushMs: number[];
  /** The actual send → the same push, ms (what the bench reported before; flatters a late sender). */
  inviteToPushFromSendMs: number[];
  /** Churn during the window: sign-outs, completed sign-ins (resume + sign-in work) and their times. */
  signOuts: number;
  signIns: number;
  signInMs: number[];
  /** scheduled slot → the caller's callUserStateChanged showing the invitee `received` (after the invitee's callAck), ms. */
  inviteToCallerReceivedMs: number[];
  /** How late each send was against its slot in the schedule, ms (client-side health). */
  sendLagMs: number[];
  /** First send to last send, ms. */
  sendWindowMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

/** Orchestrator → server wrapper (bench/server-entry.ts). */
export type ServerCommand = { rid: number; cmd: 'gc' } | { rid: number; cmd: 'loopReset' } | { rid: number; cmd: 'loopStats' };

export interface ServerMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface ServerLoopStats {
  /** Event-loop delay percentiles since the last loopReset, ms (perf_hooks.monitorEventLoopDelay). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Event-loop utilisation since the last loopReset, 0..1 (performance.eventLoopUtilization). */
  utilization: number;
  /** Garbage-collection pauses since the last loopReset, by kind (scavenge, markCompact, …). */
  gc: Record<string, { count: number; totalMs: number; maxMs: number; over5Ms: number }>;
}

/** Nearest-rank percentile of an ascending array: the one definition in bench/percentile.ts. */
export { percentileSorted as percentile } from './percentile.ts';
