import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { DeviceIdSchema, UserIdSchema, type DeviceId, type UserId } from '../../src/shared/protocol/index.ts';

// `at` came with rotation; a token made before it counts its own issue time as the sign-in time.
const ClaimsSchema = z.object({ u: UserIdSchema, d: DeviceIdSchema, iat: z.number().int(), exp: z.number().int(), at: z.number().int().optional() });
export interface TokenClaims {
  userId: UserId;
  deviceId: DeviceId;
  issuedAt: number;
  expiresAt: number;
  /** When the password sign-in that began this chain of rotated tokens happened: the absolute lifetime counts from it. */
  authAt: number;
}

/**
 * Session tokens: `base64url(claims).base64url(hmac-sha256)`. Bound to one device; checked against the account on use.
 * The first secret signs; every secret verifies, so IT can rotate the secret without signing everyone out.
 */
export class TokenSigner {
  /** KeyObjects made once: createHmac with a Buffer builds one on every call (two per sign-in). */
  readonly #secrets: KeyObject[];
  constructor(secret: Buffer | Buffer[]) {
    const all = Array.isArray(secret) ? secret : [secret];
    if (all.length === 0 || all.some((s) => s.length < 32)) throw new Error('token secret must be at least 32 bytes');
    this.#secrets = all.map((s) => createSecretKey(s));
  }
  #mac(payload: string, secret: KeyObject): Buffer {
    return createHmac('sha256', secret).update(payload).digest();
  }
  sign(c: TokenClaims): string {
    const payload = Buffer.from(JSON.stringify({ u: c.userId, d: c.deviceId, iat: c.issuedAt, exp: c.expiresAt, at: c.authAt })).toString('base64url');
    return `${payload}.${this.#mac(payload, this.#secrets[0] as KeyObject).toString('base64url')}`; // the constructor checked there is one
  }
  #signedByUs(payload: string, sig: string): boolean {
    const given = Buffer.from(sig, 'utf8');
    let ok = false;
    for (const secret of this.#secrets) {
      const want = Buffer.from(this.#mac(payload, secret).toString('base64url'), 'utf8');
      // No early exit: the time taken does not tell which secret matched.
      if (given.length === want.length && timingSafeEqual(given, want)) ok = true;
    }
    return ok;
  }
  /** Returns the claims, or null for anything forged, damaged or expired. */
  verify(token: string, now: number): TokenClaims | null {
    const [payload, sig, extra] = token.split('.');
    if (!payload || !sig || extra !== undefined) return null;
    // Compare the text, not decoded bytes: base64 decoding ignores the last character's spare
    // bits, so several spellings of one signature would otherwise pass (a malleable token).
    if (!this.#signedByUs(payload, sig)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const c = ClaimsSchema.safeParse(raw);
    if (!c.success || c.data.exp <= now) return null;
    return { userId: c.data.u, deviceId: c.data.d, issuedAt: c.data.iat, expiresAt: c.data.exp, authAt: c.data.at ?? c.data.iat };
  }
}
