import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { TokenSigner } from './tokens.ts';

describe('passwords', () => {
  it('verifies the right password only, and hashes are salted', async () => {
    const h = await hashPassword('s3cret-pass');
    expect(h.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('s3cret-pass', h)).toBe(true);
    expect(await verifyPassword('s3cret-Pass', h)).toBe(false);
    expect(await hashPassword('s3cret-pass')).not.toBe(h);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});

describe('tokens', () => {
  const signer = new TokenSigner(randomBytes(32));
  const claims = { userId: asUserId('alice'), deviceId: asDeviceId('d1'), issuedAt: 1000, expiresAt: 5000, authAt: 900 };

  it('round-trips until expiry', () => {
    const t = signer.sign(claims);
    expect(signer.verify(t, 4999)).toEqual(claims);
    expect(signer.verify(t, 5000)).toBeNull();
  });

  it('rejects tampering, other secrets and junk', () => {
    const t = signer.sign(claims);
    const [payload, sig] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'mallory', d: 'd1', iat: 1000, exp: 5000 })).toString('base64url');
    expect(signer.verify(`${forged}.${sig}`, 2000)).toBeNull();
    expect(new TokenSigner(randomBytes(32)).verify(t, 2000)).toBeNull();
    for (const junk of ['', 'a.b', `${payload}.${sig}.x`, `${payload}.`]) expect(signer.verify(junk, 2000)).toBeNull();
  });

  it('accepts only the one spelling of a signature (the last base64 character has spare bits)', () => {
    const t = signer.sign(claims);
    const last = t.at(-1) ?? '';
    // Same top 4 bits, other spare bits: decodes to the same bytes, but is not the token we issued.
    const idx = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(last);
    const twin = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[idx ^ 1] ?? '';
    const malleated = t.slice(0, -1) + twin;
    expect(Buffer.from(malleated.split('.')[1] ?? '', 'base64url')).toEqual(Buffer.from(t.split('.')[1] ?? '', 'base64url'));
    expect(signer.verify(malleated, 2000)).toBeNull();
  });

  it('refuses a short secret', () => {
    expect(() => new TokenSigner(randomBytes(8))).toThrow(/32 bytes/);
  });
});
