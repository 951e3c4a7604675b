import type { ErrorCode } from '../../src/shared/errors.ts';
import type { Admission } from '../transport/AdmissionControl.ts';

/** Why a new connection was refused: draining (4307), or admission control's reason (4503). */
export type RefusalReason = 'draining' | Extract<Admission, { admit: false }>['why'];

/**
 * What the transport counts on its hot path: plain numbers, bumped per frame with no allocation and
 * no label lookup. The metrics registry reads them when scraped (ServerMetrics), so a server
 * without metrics pays one integer add per frame.
 */
export class TransportStats {
  framesIn = 0;
  framesOut = 0;
  /** Frames refused by the per-connection token bucket. */
  rateLimited = 0;
  signIns = 0;
  /** Failed sign-ins (login or resume) by the error code the client was sent. */
  readonly signInFailures = new Map<ErrorCode, number>();
  /** New connections turned away at the upgrade, by why (server/transport/upgrades.ts). */
  readonly refusals = new Map<RefusalReason, number>();

  signInFailed(code: ErrorCode): void {
    this.signInFailures.set(code, (this.signInFailures.get(code) ?? 0) + 1);
  }
  refused(reason: RefusalReason): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }
}
