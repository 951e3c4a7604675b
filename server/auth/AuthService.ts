import { randomBytes } from 'node:crypto';
import { RingdeskError } from '../../src/shared/errors.ts';
import type { DeviceId, UserId } from '../../src/shared/protocol/index.ts';
import type { Store, UserLookup, UserRow } from '../store/Store.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { TokenSigner } from './tokens.ts';

/** A hash of a random password: unknown users cost the same scrypt as known ones, so timing does not reveal accounts. */
let dummyHash: Promise<string> | null = null;

export class AuthService {
  readonly #store: Store;
  readonly #users: UserLookup;
  readonly #signer: TokenSigner;
  readonly #ttlMs: number;
  readonly #now: () => number;

  private constructor(store: Store, signer: TokenSigner, ttlSec: number, now: () => number, users: UserLookup) {
    this.#store = store;
    this.#users = users;
    this.#signer = signer;
    this.#ttlMs = ttlSec * 1000;
    this.#now = now;
  }

  /** The signing secret comes from config, or is made once and kept in the database so tokens survive restarts. */
  static async create(
    store: Store,
    secretHex: string | undefined,
    ttlSec: number,
    now: () => number = Date.now,
    users: UserLookup = { get: (id) => store.getUser(id) },
  ): Promise<AuthService> {
    let hex = secretHex ?? (await store.getMeta('token_secret'));
    if (!hex) {
      hex = randomBytes(32).toString('hex');
      await store.setMeta('token_secret', hex);
    }
    return new AuthService(store, new TokenSigner(Buffer.from(hex, 'hex')), ttlSec, now, users);
  }

  async login(userId: UserId, password: string): Promise<UserRow> {
    const user = await this.#users.get(userId);
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
    if (!user || !ok) throw new RingdeskError('auth_failed', 'wrong user or password');
    if (user.disabled) throw new RingdeskError('account_disabled', 'this account is disabled; ask your administrator');
    return user;
  }

  async resume(token: string, deviceId: DeviceId): Promise<UserRow> {
    const claims = this.#signer.verify(token, this.#now());
    if (!claims || claims.deviceId !== deviceId) throw new RingdeskError('token_invalid', 'session expired or not valid for this device; sign in again');
    const user = await this.#users.get(claims.userId);
    // Before the revocation check (disabling also voids tokens): a token we signed may learn why.
    if (user?.disabled) throw new RingdeskError('account_disabled', 'this account is disabled; ask your administrator');
    const revokedUpTo = user ? Math.max(user.tokensAfter, await this.#store.deviceTokensAfter(user.userId, deviceId)) : 0;
    if (!user || claims.issuedAt <= revokedUpTo) throw new RingdeskError('token_invalid', 'session expired or not valid for this device; sign in again');
    return user;
  }

  /** Logout: the device's current and older tokens stop working. */
  revoke(userId: UserId, deviceId: DeviceId): Promise<void> {
    return this.#store.revokeDeviceTokens(userId, deviceId, this.#now());
  }

  issue(userId: UserId, deviceId: DeviceId): { token: string; expiresAt: number } {
    const issuedAt = this.#now();
    const expiresAt = issuedAt + this.#ttlMs;
    return { token: this.#signer.sign({ userId, deviceId, issuedAt, expiresAt }), expiresAt };
  }
}
