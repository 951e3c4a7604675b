import type { ErrorCode } from '../../src/shared/errors.ts';

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

  signInFailed(code: ErrorCode): void {
    this.signInFailures.set(code, (this.signInFailures.get(code) ?? 0) + 1);
  }
}
