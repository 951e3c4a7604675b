import { randomBytes } from 'node:crypto';
import type { CallId, DeviceId } from '../../shared/protocol/index.ts';

/** 128 random bits, base64url: what a notification link carries and nothing else can guess. */
const NONCE_BYTES = 16;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export type NonceVerdict =
  | { ok: true }
  /** missing: a link with no nonce (typed by hand, or from a web page); unknown: forged, replayed or expired. */
  | { ok: false; reason: 'missing' | 'unknown' | 'otherCall' | 'otherDevice' };

/**
 * The one-time nonces the incoming-call notification's links carry (Windows toasts activate the
 * app through `ringdesk://notification/…`, which any program or web page can also open). A nonce
 * is bound to one call and this device, is spent by its first use, and expires when that call
 * stops ringing, so only a button on a notification this app showed, while it rings, can act.
 */
export class NotificationNonces {
  readonly #deviceId: () => DeviceId;
  readonly #live = new Map<string, { callID: CallId; deviceId: DeviceId }>();

  constructor(deviceId: () => DeviceId) {
    this.#deviceId = deviceId;
  }

  /** A fresh nonce for the notification about to be shown for this call. */
  issue(callID: CallId): string {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    this.#live.set(nonce, { callID, deviceId: this.#deviceId() });
    return nonce;
  }

  /** The call stopped ringing here: its notification's links stop counting. */
  expire(callID: CallId): void {
    for (const [nonce, b] of this.#live) if (b.callID === callID) this.#live.delete(nonce);
  }

  /** Checks and spends a link's nonce. A nonce for another call is refused but not spent. */
  consume(callID: CallId, nonce: string | null): NonceVerdict {
    if (nonce === null) return { ok: false, reason: 'missing' };
    const b = this.#live.get(nonce);
    if (!b) return { ok: false, reason: 'unknown' };
    if (b.callID !== callID) return { ok: false, reason: 'otherCall' };
    if (b.deviceId !== this.#deviceId()) return { ok: false, reason: 'otherDevice' };
    this.#live.delete(nonce);
    return { ok: true };
  }

  get size(): number {
    return this.#live.size;
  }
}
