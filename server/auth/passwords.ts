import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters; they travel inside every hash, so raising them later leaves old hashes verifying. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

// OWASP's scrypt floor (N=2^15 would be better but costs 32 MiB and ~100 ms per login on 2 cores).
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LEN = 32;
/** A stored or imported hash asking for more memory than this is refused rather than run. */
const MAX_MEM = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, opts: ScryptOptions & ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128·N·r, or node refuses the parameters.
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { ...opts, maxmem: 128 * opts.N * opts.r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** `scrypt$N$r$p$salt$hash` with sane bounds, or null. */
export function parseScryptHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (![N, R, P].every((x) => Number.isSafeInteger(x) && x > 0) || (N & (N - 1)) !== 0 || N < 2 || 128 * N * R > MAX_MEM || P > 16) return null;
  if (!/^[A-Za-z0-9_-]{16,}$/.test(salt) || !/^[A-Za-z0-9_-]{32,}$/.test(hash)) return null;
  return { N, r: R, p: P, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** `scrypt$N$r$p$salt$hash`, base64url: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parseScryptHash(stored);
  if (!h) return false;
  const key = await derive(password, h.salt, h);
  return key.length === h.hash.length && timingSafeEqual(key, h.hash);
}
