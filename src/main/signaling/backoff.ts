import { CLOSE_CODES, closeRetryHint } from '../../shared/protocol/index.ts';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /**
   * 0..1: how much of each delay is randomised. 1 is "full jitter" (uniform in [0, base]), the
   * default: after a server restart or a network blip, N clients spread their reconnects evenly
   * over the window instead of arriving together at its end.
   */
  jitter: number;
  /** Never retry sooner than this (a server that refuses at once must not be hammered). */
  minMs?: number;
}

/** Full jitter from 500 ms doubling to 30 s: attempt k waits uniform in [100 ms, min(30 s, 500 ms × 2^k)]. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, jitter: 1, minMs: 100 };

/**
 * Exponential backoff with jitter: base = min(maxMs, initialMs × 2^attempt), and the delay is
 * base × (1 − jitter × random()), at least minMs. `random` is injected so tests can pin it.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const base = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(attempt, 30));
  return Math.max(o.minMs ?? 0, Math.round(base * (1 - o.jitter * random())));
}

/** The retry hint of a 4503 close ("server busy; retry after 2000 ms"), or null when absent or another code. */
export function retryHint(code: number, reason: string): number | null {
  return code === CLOSE_CODES.serverBusy ? closeRetryHint(code, reason) : null;
}

/** The reconnect window after a 4307 when its reason carries none; the server sends 1000 ms. */
export const DRAIN_WINDOW_MS = 1000;
/** A server asking for a longer window than this is capped: "at once" must stay at once. */
export const MAX_DRAIN_WINDOW_MS = 10_000;

/**
 * How long to wait after a 4307 (the node is draining): uniform in [0, window], full jitter, and no
 * growing backoff. The users of a drained node reconnect at once, spread over the window so the
 * nodes that take them over are not hit in one instant (docs/protocol.md, close codes).
 */
export function drainDelay(code: number, reason: string, random: () => number): number {
  const hint = code === CLOSE_CODES.draining ? closeRetryHint(code, reason) : null;
  const windowMs = Math.min(MAX_DRAIN_WINDOW_MS, hint ?? DRAIN_WINDOW_MS);
  return Math.round(windowMs * random());
}

/**
 * How long to wait after a 4503: the server's hint plus up to the hint again at random, so the
 * clients it turned away in the same instant do not all come back in the same instant. The hint
 * replaces the exponential backoff (the server knows its load; it grows the hint as it needs), so
 * a client refused a few times in a storm is not pushed out to the 30 s cap.
 */
export function busyDelay(hintMs: number, random: () => number): number {
  return Math.round(hintMs * (1 + random()));
}
