import { z } from 'zod';

/**
 * The sign-in and token settings, spread into ServerConfigSchema (server/config.ts).
 * docs/accounts-and-tokens.md explains each; the README lists them.
 */
const ScryptCostSchema = z
  .object({
    /** CPU/memory cost, a power of two. Memory per hash is 128 · N · r bytes (16 MiB at the default). */
    N: z.number().int().min(1024).max(2 ** 20).default(16384),
    r: z.number().int().min(1).max(32).default(8),
    p: z.number().int().min(1).max(16).default(1),
  })
  .strict()
  .refine((c) => (c.N & (c.N - 1)) === 0, 'scrypt N must be a power of two')
  .refine((c) => 128 * c.N * c.r <= 256 * 1024 * 1024, 'scrypt N·r needs more than 256 MiB per hash');
export type ScryptCost = z.infer<typeof ScryptCostSchema>;

const AuthThrottleSchema = z
  .object({
    /** Failures before backoff starts: the attempt after the last free one waits baseDelayMs (per address; per account for addresses that failed on it). */
    freeFailures: z.number().int().min(1).default(5),
    /**
     * Free failures per address, when it should differ from freeFailures: raise it when many
     * people share one address (an office behind NAT, a proxy without trustProxy).
     */
    addressFreeFailures: z.number().int().min(1).optional(),
    /** The first wait after the free failures; doubled at each further failure. */
    baseDelayMs: z.number().int().min(10).default(1000),
    /** The longest wait: the backoff never grows into a lockout. */
    maxDelayMs: z.number().int().min(100).default(15 * 60_000),
    /** A key with no failure for this long is forgotten (its count starts again at 0). */
    forgetAfterMs: z.number().int().min(1000).default(24 * 3600_000),
    /** Keys kept in memory at most; the oldest are dropped first. */
    maxKeys: z.number().int().min(100).default(100_000),
  })
  .strict();
export type AuthThrottleConfig = z.infer<typeof AuthThrottleSchema>;

const HEX_SECRET = /^[0-9a-f]{64,}$/i;

export const AUTH_CONFIG = {
  /** Hex, ≥ 32 bytes. Generated once and kept in the database when neither this nor tokenSecretFile is given. */
  tokenSecret: z.string().regex(HEX_SECRET, 'tokenSecret must be at least 64 hex characters').optional(),
  /** A file of hex secrets, one a line: the first signs, every line verifies (for rotating the secret). */
  tokenSecretFile: z.string().min(1).optional(),
  /** However often a session is renewed, it ends this long after the password sign-in that began it. */
  tokenMaxLifetimeSec: z.number().int().min(60).default(90 * 24 * 3600),
  /** After a rotated token is first used, the one before it still works this long (a reply lost in flight). */
  tokenRotationGraceSec: z.number().int().min(0).max(3600).default(60),
  /** How often the server looks for revocations written by other processes (`user disable`, …). */
  revocationPollMs: z.number().int().min(20).max(10_000).default(250),
  /** scrypt cost for new password hashes; stored hashes keep their own (the parameters travel with the hash). */
  scrypt: ScryptCostSchema.prefault({}),
  authThrottle: AuthThrottleSchema.prefault({}),
  /** Take the client's address from the last X-Forwarded-For entry (only behind your own reverse proxy). */
  trustProxy: z.boolean().default(false),
} as const;

export function isHexSecret(s: string): boolean {
  return HEX_SECRET.test(s);
}
