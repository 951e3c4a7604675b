import { ACTIVE_STATES } from '../../src/shared/call/index.ts';
import { CLOSE_CODES, type CallInfo, type UserId } from '../../src/shared/protocol/index.ts';
import { drainingReason } from './Drain.ts';

/** The part of a ClientConnection a drain closes. */
export interface Releasable {
  readonly authenticated: boolean;
  /** Read only when authenticated. */
  readonly userId: UserId;
  close(code: number, reason: string): void;
}

/** True while the user takes part in one of `calls` (inviting, ringing or accepted); ended parts (declined, quit) do not count. */
export function takesPart(userId: UserId, calls: readonly CallInfo[]): boolean {
  return calls.some((c) => c.users.some((u) => u.userId === userId && ACTIVE_STATES.has(u.state)));
}

/**
 * Tells connections to reconnect elsewhere (CLOSE_CODES.draining with the jitter window as hint).
 * `keep(userId)`: a signed-in connection whose user is still needed here stays. Each connection is
 * closed once (`released` remembers it until its close completes); returns how many stay open.
 */
export function releaseConnections(conns: Iterable<Releasable>, keep: ((userId: UserId) => boolean) | null, released: WeakSet<Releasable>): number {
  let kept = 0;
  for (const c of conns) {
    if (released.has(c)) continue;
    if (keep && c.authenticated && keep(c.userId)) {
      kept++;
      continue;
    }
    released.add(c);
    c.close(CLOSE_CODES.draining, drainingReason());
  }
  return kept;
}
