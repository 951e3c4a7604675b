import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { asDeviceId, DeviceIdSchema, type DeviceId } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import type { SecretStorePort } from '../platform/ports.ts';
import { readFileIfExists, writeFileAtomic } from './jsonFile.ts';
import { errorMessage } from '../../shared/errors.ts';

const log = new Logger('Identity');

/** This install's device id: made once, kept in the profile folder, so the server knows the device across restarts. */
export function loadDeviceId(dir: string): DeviceId {
  const path = join(dir, 'device-id');
  const saved = readFileIfExists(path)?.toString('utf8').trim();
  const parsed = DeviceIdSchema.safeParse(saved);
  if (parsed.success) return parsed.data;
  if (saved !== undefined) log.warn('device id file unreadable; a new device id is made');
  const id = asDeviceId(`d-${randomBytes(12).toString('hex')}`);
  writeFileAtomic(path, id);
  return id;
}

/**
 * The session token, encrypted with safeStorage (keychain / DPAPI). Where the OS offers no
 * encryption the token is not written at all: the user signs in again after a restart.
 */
export class TokenVault {
  readonly #path: string;
  readonly #secrets: SecretStorePort;

  constructor(dir: string, secrets: SecretStorePort) {
    this.#path = join(dir, 'session.bin');
    this.#secrets = secrets;
  }

  get canPersist(): boolean {
    return this.#secrets.isAvailable();
  }

  load(): string | null {
    const data = readFileIfExists(this.#path);
    if (!data || !this.#secrets.isAvailable()) return null;
    try {
      return this.#secrets.decrypt(new Uint8Array(data));
    } catch (e) {
      log.warn('saved session could not be decrypted (%s); signing in again is needed', errorMessage(e));
      this.clear();
      return null;
    }
  }

  /** Returns false when the token could not be kept (no OS encryption). */
  save(token: string | null): boolean {
    if (token === null) {
      this.clear();
      return true;
    }
    if (!this.#secrets.isAvailable()) {
      this.clear(); // an older session must not outlive the one the user just replaced
      return false;
    }
    writeFileAtomic(this.#path, this.#secrets.encrypt(token));
    return true;
  }

  clear(): void {
    rmSync(this.#path, { force: true });
  }
}
