export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: how much of each delay is randomised, so a server restart is not met by every client at once. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };

/** Exponential backoff with jitter: attempt 0 waits about `initialMs`, doubling up to `maxMs`. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const base = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - o.jitter * random()));
}
