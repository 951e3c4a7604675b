import { randomBytes } from 'node:crypto';
import { RingdeskError } from '../../src/shared/errors.ts';
import type { DeviceId, UserId } from '../../src/shared/protocol/index.ts';
import type { ServerConfig } from '../config.ts';
import type { Store, UserLookup, UserRow } from '../store/Store.ts';
import { hashPassword, verifyPassword, type ScryptParams } from './passwords.ts';
import { Throttle } from './Throttle.ts';
import { resolveTokenSecrets } from './tokenSecret.ts';
import { TokenSigner, type TokenClaims } from './tokens.ts';

export type AuthConfig = Pick<
  ServerConfig,
  'tokenSecret' | 'tokenSecretFile' | 'tokenTtlSec' | 'tokenMaxLifetimeSec' | 'tokenRotationGraceSec' | 'scrypt' | 'authThrottle'
>;

export interface AuthDeps {
  now: () => number;
  /** Tests count the scrypt work through this; production uses verifyPassword. */
  verify?: (password: string, hash: string) => Promise<boolean>;
  /** Where users are read (the server's UserCache); the store itself when absent. */
  users?: UserLookup;
}

const INVALID = 'session expired or not valid for this device; sign in again';
const DISABLED = 'this account is disabled; ask your administrator';

/**
 * Passwords, throttling and tokens. Design and trade-offs: docs/accounts-and-tokens.md.
 * Sign-in throttling is three in-memory throttles: per address, per account, and which
 * addresses have failed on which account (only those wait out the account's backoff).
 */
export class AuthService {
  readonly #store: Store;
  readonly #users: UserLookup;
  readonly #signer: TokenSigner;
  readonly #c: AuthConfig;
  readonly #now: () => number;
  readonly #verify: (password: string, hash: string) => Promise<boolean>;
  /** A hash of a random password at the configured cost: unknown users cost the same scrypt as known ones. */
  readonly #dummyHash: string;
  readonly #byIp: Throttle;
  readonly #byAccount: Throttle;
  readonly #failedFrom: Throttle;
  /** Issue times are unique per device, so rotation can order tokens by them even within one ms. */
  #lastIssuedAt = 0;

  private constructor(store: Store, signer: TokenSigner, c: AuthConfig, deps: AuthDeps, dummyHash: string) {
    this.#store = store;
    // Through the server's user cache when it has one (UserCache): sign-ins read the same rows again and again.
    this.#users = deps.users ?? { get: (id) => store.getUser(id) };
    this.#signer = signer;
    this.#c = c;
    this.#now = deps.now;
    this.#verify = deps.verify ?? verifyPassword;
    this.#dummyHash = dummyHash;
    this.#byIp = new Throttle({ ...c.authThrottle, freeFailures: c.authThrottle.addressFreeFailures ?? c.authThrottle.freeFailures });
    this.#byAccount = new Throttle(c.authThrottle);
    this.#failedFrom = new Throttle(c.authThrottle);
  }

  static async create(store: Store, c: AuthConfig, deps: AuthDeps): Promise<AuthService> {
    const secrets = await resolveTokenSecrets(c, store);
    const dummy = await hashPassword(randomBytes(16).toString('hex'), c.scrypt);
    return new AuthService(store, new TokenSigner(secrets), c, deps, dummy);
  }

  get scrypt(): ScryptParams {
    return this.#c.scrypt;
  }

  /** Checks a password sign-in from `address`; throttled attempts are refused before any scrypt work. */
  async login(userId: UserId, password: string, address: string): Promise<UserRow> {
    const now = this.#now();
    const pair = `${userId}\n${address}`;
    const wait = Math.max(this.#byIp.retryAfter(address, now), this.#failedFrom.failures(pair, now) > 0 ? this.#byAccount.retryAfter(userId, now) : 0);
    if (wait > 0) {
      throw new RingdeskError('auth_throttled', `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`, wait);
    }
    const user = await this.#users.get(userId);
    const ok = await this.#verify(password, user?.passwordHash ?? this.#dummyHash);
    if (!user || !ok) {
      const at = this.#now();
      this.#byIp.fail(address, at);
      this.#byAccount.fail(userId, at);
      this.#failedFrom.fail(pair, at);
      throw new RingdeskError('auth_failed', 'wrong user or password');
    }
    this.#failedFrom.reset(pair);
    if (user.disabled) throw new RingdeskError('account_disabled', DISABLED);
    return user;
  }

  /**
   * Checks a saved token and records the device's sign-in (its name, and the token's use) in one
   * write; returns the user and the sign-in time the next token inherits.
   */
  async resume(token: string, deviceId: DeviceId, deviceName: string): Promise<{ user: UserRow; authAt: number }> {
    const now = this.#now();
    const claims = this.#signer.verify(token, now);
    if (!claims || claims.deviceId !== deviceId) throw new RingdeskError('token_invalid', INVALID);
    const user = await this.#users.get(claims.userId);
    // Before the revocation check (disabling also voids tokens): a token we signed may learn why.
    if (user?.disabled) throw new RingdeskError('account_disabled', DISABLED);
    if (!user || !(await this.#stillValid(claims, user, now))) throw new RingdeskError('token_invalid', INVALID);
    await this.#store.deviceResumed(user.userId, deviceId, deviceName, claims.issuedAt, now);
    return { user, authAt: claims.authAt };
  }

  async #stillValid(c: TokenClaims, user: UserRow, now: number): Promise<boolean> {
    if (now >= c.authAt + this.#c.tokenMaxLifetimeSec * 1000) return false;
    const dev = await this.#store.deviceTokenState(c.userId, c.deviceId);
    if (c.issuedAt <= Math.max(user.tokensAfter, dev.tokensAfter)) return false;
    // A newer token of this device has been used: this one lives only through the grace.
    return !(c.issuedAt < dev.supersededBefore && now >= dev.supersededAt + this.#c.tokenRotationGraceSec * 1000);
  }

  /** Logout: the device's current and older tokens stop working. */
  revoke(userId: UserId, deviceId: DeviceId): Promise<void> {
    return this.#store.revokeDeviceTokens(userId, deviceId, this.#now());
  }

  /** Sign out everywhere: every token of the user stops working, and the watcher closes the other devices' connections. */
  async signOutEverywhere(userId: UserId, fromDevice: DeviceId): Promise<void> {
    if (!(await this.#store.revokeUserSessions(userId, 'signout', fromDevice, this.#nextIssuedAt()))) {
      throw new RingdeskError('unauthenticated', 'this account no longer exists');
    }
  }

  /** A new token; `authAt` is the password sign-in this session descends from (now, for a login). */
  issue(userId: UserId, deviceId: DeviceId, authAt: number): { token: string; expiresAt: number } {
    const issuedAt = this.#nextIssuedAt();
    const expiresAt = Math.min(issuedAt + this.#c.tokenTtlSec * 1000, authAt + this.#c.tokenMaxLifetimeSec * 1000);
    return { token: this.#signer.sign({ userId, deviceId, issuedAt, expiresAt, authAt }), expiresAt };
  }

  #nextIssuedAt(): number {
    this.#lastIssuedAt = Math.max(this.#now(), this.#lastIssuedAt + 1);
    return this.#lastIssuedAt;
  }
}
