import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DeviceIdSchema, UserIdSchema, type DeviceId, type UserId } from '../../src/shared/protocol/index.ts';

const ClaimsSchema = z.object({ u: UserIdSchema, d: DeviceIdSchema, iat: z.number().int(), exp: z.number().int() });
export interface TokenClaims {
  userId: UserId;
  deviceId: DeviceId;
  issuedAt: number;
  expiresAt: number;
}

/** Session tokens: `base64url(claims).base64url(hmac-sha256)`. Bound to one device; checked against the account on use. */
export class TokenSigner {
  readonly #secret: Buffer;
  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('token secret must be at least 32 bytes');
    this.#secret = secret;
  }
  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest();
  }
  sign(c: TokenClaims): string {
    const payload = Buffer.from(JSON.stringify({ u: c.userId, d: c.deviceId, iat: c.issuedAt, exp: c.expiresAt })).toString('base64url');
    return `${payload}.${this.#mac(payload).toString('base64url')}`;
  }
  /** Returns the claims, or null for anything forged, damaged or expired. */
  verify(token: string, now: number): TokenClaims | null {
    const [payload, sig, extra] = token.split('.');
    if (!payload || !sig || extra !== undefined) return null;
    // Compare the text, not decoded bytes: base64 decoding ignores the last character's spare
    // bits, so several spellings of one signature would otherwise pass (a malleable token).
    const given = Buffer.from(sig, 'utf8');
    const want = Buffer.from(this.#mac(payload).toString('base64url'), 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const c = ClaimsSchema.safeParse(raw);
    if (!c.success || c.data.exp <= now) return null;
    return { userId: c.data.u, deviceId: c.data.d, issuedAt: c.data.iat, expiresAt: c.data.exp };
  }
}
