// The client worker's shared state (bench/client-worker.ts): its clients and pairs, what `init` set up,
// the counters it reports, and the request/reply plumbing every part of it uses.
import { WebSocket } from 'ws';
import type { TokenSigner } from '../../server/auth/tokens.ts';
import type { LatencyResult, WorkerStats } from '../messages.ts';
import { SIGN_IN_STEPS, type SignInStep } from '../signin.ts';

export type Frame = { id?: number | null; result?: unknown; error?: { code: string; message: string }; type?: string; data?: unknown };
type OnReply = (f: Frame) => void;

export interface Client {
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

export interface Pair {
  caller: Client;
  invitee: Client;
  busy: boolean;
  busySince: number;
  /** Sequence number of the invitation in flight (carried in extendedData). */
  seq: number;
}

export interface InFlight {
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

export interface Run {
  result: LatencyResult;
  firstSend: number;
  lastSend: number;
}

/** What the orchestrator's `init` set up. */
export const worker: {
  url: string;
  /** Per user (by index), when users sit on different nodes of a cluster (bench/cluster.ts). */
  urls: string[] | null;
  signer: TokenSigner | null;
  clients: Client[];
  pairs: Pair[];
  localAddresses: string[] | null;
  concurrency: number;
  /** The app's sign-in steps (all unless the storm's --sign-in-steps chose some). */
  signInSteps: readonly SignInStep[];
} = { url: '', urls: null, signer: null, clients: [], pairs: [], localAddresses: null, concurrency: 50, signInSteps: SIGN_IN_STEPS };

export const inFlight = new Map<number, InFlight>();
export const stats: WorkerStats = {
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

export const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

export function request(c: Client, type: string, data: unknown, onReply: OnReply): void {
  const ws = c.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    onReply({ id: null, error: { code: 'socket_closed', message: 'socket not open' } });
    return;
  }
  const id = c.nextId++;
  c.pending.set(id, onReply);
  ws.send(JSON.stringify({ id, type, data }));
}
