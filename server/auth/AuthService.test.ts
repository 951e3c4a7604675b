import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { parseConfig } from '../config.ts';
import { SqliteStore } from '../store/sqliteStore.ts';
import { AuthService } from './AuthService.ts';
import { hashPassword, parseScryptHash, verifyPassword } from './passwords.ts';

const alice = asUserId('alice');
const laptop = asDeviceId('laptop');
const DAY = 86_400_000;
// A cheap scrypt cost keeps the unit tests fast; the parameters are what the tests compare.
const COST = { N: 1024, r: 8, p: 1 };

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(over: Record<string, unknown> = {}) {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  const config = parseConfig({ tokenSecret: randomBytes(32).toString('hex'), scrypt: COST, ...over }, 'test');
  const clock = { t: 1_800_000_000_000 };
  const verified: { hash: string; params: unknown }[] = [];
  const auth = await AuthService.create(store, config, {
    now: () => clock.t,
    verify: (pw, hash) => {
      const h = parseScryptHash(hash);
      verified.push({ hash, params: h && { N: h.N, r: h.r, p: h.p } });
      return verifyPassword(pw, hash);
    },
  });
  await store.createUser({ userId: alice, displayName: 'Alice', passwordHash: await hashPassword('right-password', COST), disabled: false, createdAt: 0 });
  return { store, auth, clock, verified };
}

describe('sign-in throttling', () => {
  it('per address: five failures, then auth_throttled with retryAfterMs and no password check, even for the right password', async () => {
    const { auth, verified } = await setup();
    for (let i = 0; i < 4; i++) await expect(auth.login(alice, `guess-${i}`, '203.0.113.9')).rejects.toMatchObject({ code: 'auth_failed' });
    await expect(auth.login(asUserId('someone-else'), 'guess', '203.0.113.9')).rejects.toMatchObject({ code: 'auth_failed' });
    const checked = verified.length;
    const err = await auth.login(alice, 'right-password', '203.0.113.9').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'auth_throttled', retryAfterMs: 1000 });
    expect((err as Error).message).toMatch(/try again in 1 s/);
    expect(verified.length).toBe(checked);
  });

  it('the real user on a clean address gets in during an attack on the account from many addresses', async () => {
    const { auth, clock } = await setup();
    // A distributed attack: 20 addresses, one guess each, so no address reaches its own limit…
    for (let a = 0; a < 20; a++) await expect(auth.login(alice, 'guess', `198.51.100.${a}`)).rejects.toMatchObject({ code: 'auth_failed' });
    // …but every address that failed on alice now waits out alice's backoff (20 failures: the longest wait)…
    await expect(auth.login(alice, 'guess', '198.51.100.3')).rejects.toMatchObject({ code: 'auth_throttled' });
    // …but alice, from an address that never failed on her account, signs in.
    await expect(auth.login(alice, 'right-password', '192.0.2.44')).resolves.toMatchObject({ userId: 'alice' });
    // Never a lockout: once the capped wait has passed, an attacking address may try again.
    clock.t += 15 * 60_000;
    await expect(auth.login(alice, 'guess', '198.51.100.3')).rejects.toMatchObject({ code: 'auth_failed' });
  });

  it('unknown users cost the same work: one scrypt at the configured cost, like a wrong password', async () => {
    const { auth, verified } = await setup();
    await expect(auth.login(alice, 'wrong', '192.0.2.1')).rejects.toMatchObject({ code: 'auth_failed' });
    await expect(auth.login(asUserId('nobody-here'), 'wrong', '192.0.2.1')).rejects.toMatchObject({ code: 'auth_failed' });
    expect(verified).toHaveLength(2);
    expect(verified[0]?.params).toEqual(COST);
    expect(verified[1]?.params).toEqual(COST);
    expect(verified[1]?.hash).not.toBe(verified[0]?.hash);
  });

  it('the configured scrypt cost is used for new hashes; a hash made with another cost still verifies', async () => {
    const old = await hashPassword('older-password', { N: 2048, r: 4, p: 1 });
    expect(old.startsWith('scrypt$2048$4$1$')).toBe(true);
    expect(await verifyPassword('older-password', old)).toBe(true);
    expect(parseScryptHash('scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(() => parseConfig({ scrypt: { N: 1000 } }, 'test')).toThrow(/power of two/);
  });
});

describe('token rotation and lifetime (injected clock)', () => {
  it('resume returns a new token; the previous one works until the new one is used, then only through the grace', async () => {
    const { auth, clock } = await setup({ tokenRotationGraceSec: 60 });
    const t1 = auth.issue(alice, laptop, clock.t).token;
    clock.t += 1000;
    const r1 = await auth.resume(t1, laptop, 'Laptop');
    const t2 = auth.issue(alice, laptop, r1.authAt).token;
    expect(t2).not.toBe(t1);
    clock.t += 1000;
    // The reply carrying t2 was lost: t1 still works, since t2 was never used.
    await expect(auth.resume(t1, laptop, 'Laptop')).resolves.toMatchObject({ user: { userId: 'alice' } });
    const t3 = auth.issue(alice, laptop, r1.authAt).token;
    clock.t += 1000;
    await auth.resume(t3, laptop, 'Laptop'); // t3 used: t1 and t2 are superseded
    clock.t += 59_000;
    await expect(auth.resume(t1, laptop, 'Laptop')).resolves.toBeTruthy(); // inside the grace
    clock.t += 1000;
    await expect(auth.resume(t1, laptop, 'Laptop')).rejects.toMatchObject({ code: 'token_invalid' });
    await expect(auth.resume(t2, laptop, 'Laptop')).rejects.toMatchObject({ code: 'token_invalid' });
    await expect(auth.resume(t3, laptop, 'Laptop')).resolves.toBeTruthy();
  });

  it('an absolute lifetime from the password sign-in, however often the session was renewed', async () => {
    const { auth, clock } = await setup({ tokenMaxLifetimeSec: 90 * 86_400, tokenTtlSec: 30 * 86_400 });
    const signIn = clock.t;
    let token = auth.issue(alice, laptop, signIn).token;
    for (let day = 20; day <= 80; day += 20) {
      clock.t = signIn + day * DAY;
      const r = await auth.resume(token, laptop, 'Laptop');
      expect(r.authAt).toBe(signIn);
      const next = auth.issue(alice, laptop, r.authAt);
      expect(next.expiresAt).toBe(Math.min(clock.t + 30 * DAY, signIn + 90 * DAY));
      token = next.token;
    }
    clock.t = signIn + 90 * DAY - 1;
    await expect(auth.resume(token, laptop, 'Laptop')).resolves.toBeTruthy();
    token = auth.issue(alice, laptop, signIn).token;
    clock.t = signIn + 90 * DAY;
    await expect(auth.resume(token, laptop, 'Laptop')).rejects.toMatchObject({ code: 'token_invalid' });
  });

  it('sign out everywhere voids every token of the user; disabling answers account_disabled', async () => {
    const { auth, store, clock } = await setup();
    const other = asDeviceId('phone');
    const a = auth.issue(alice, laptop, clock.t).token;
    const b = auth.issue(alice, other, clock.t).token;
    await auth.signOutEverywhere(alice, laptop);
    await expect(auth.resume(a, laptop, 'Laptop')).rejects.toMatchObject({ code: 'token_invalid' });
    await expect(auth.resume(b, other, 'Desk')).rejects.toMatchObject({ code: 'token_invalid' });
    const c = auth.issue(alice, other, clock.t).token;
    await expect(auth.resume(c, other, 'Desk')).resolves.toBeTruthy();
    await store.setUserDisabled(alice, true);
    await expect(auth.resume(c, other, 'Desk')).rejects.toMatchObject({ code: 'account_disabled' });
    expect((await store.revocationsAfter(0, 10)).map((r) => [r.reason, r.exceptDevice])).toEqual([
      ['signout', 'laptop'],
      ['disabled', null],
    ]);
  });
});

describe('token secret', () => {
  it('from a file: the first line signs, the others still verify (rotation); the generated copy leaves the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringdesk-secret-'));
    const [oldS, newS] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    const store = new SqliteStore(':memory:');
    stores.push(store);
    await store.createUser({ userId: alice, displayName: 'A', passwordHash: await hashPassword('right-password', COST), disabled: false, createdAt: 0 });
    await store.setMeta('token_secret', randomBytes(32).toString('hex'));
    const base = parseConfig({ scrypt: COST }, 'test');
    writeFileSync(join(dir, 'old'), `${oldS}\n`);
    const before = await AuthService.create(store, { ...base, tokenSecretFile: join(dir, 'old') }, { now: Date.now });
    expect(await store.getMeta('token_secret')).toBeUndefined();
    const issuedBefore = before.issue(alice, laptop, Date.now()).token;
    writeFileSync(join(dir, 'both'), `# new first, old kept until its tokens have rotated\n${newS}\n${oldS}\n`);
    const after = await AuthService.create(store, { ...base, tokenSecretFile: join(dir, 'both') }, { now: Date.now });
    await expect(after.resume(issuedBefore, laptop, 'Laptop')).resolves.toBeTruthy();
    writeFileSync(join(dir, 'newOnly'), `${newS}\n`);
    const later = await AuthService.create(store, { ...base, tokenSecretFile: join(dir, 'newOnly') }, { now: Date.now });
    await expect(later.resume(issuedBefore, laptop, 'Laptop')).rejects.toMatchObject({ code: 'token_invalid' });
    await expect(later.resume(after.issue(alice, laptop, Date.now()).token, laptop, 'Laptop')).resolves.toBeTruthy();
    writeFileSync(join(dir, 'bad'), 'not-hex\n');
    await expect(AuthService.create(store, { ...base, tokenSecretFile: join(dir, 'bad') }, { now: Date.now })).rejects.toThrow(/secret 1 .* 64 hex/);
    await expect(AuthService.create(store, { ...base, tokenSecret: oldS, tokenSecretFile: join(dir, 'old') }, { now: Date.now })).rejects.toThrow(/not both/);
  });
});
