import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SecretStorePort } from '../platform/ports.ts';
import { Logger } from '../log/Logger.ts';
import { loadDeviceId, TokenVault } from './Identity.ts';

let dir: string;
beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringdesk-identity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for safeStorage: a header plus the reversed text, so the file never holds the token as is. */
class FakeSecrets implements SecretStorePort {
  available = true;
  encrypted: string[] = [];
  isAvailable(): boolean {
    return this.available;
  }
  encrypt(plain: string): Uint8Array {
    this.encrypted.push(plain);
    return new TextEncoder().encode(`ENC1:${[...plain].reverse().join('')}`);
  }
  decrypt(data: Uint8Array): string {
    const s = new TextDecoder().decode(data);
    if (!s.startsWith('ENC1:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return [...s.slice(5)].reverse().join('');
  }
}

const sessionFile = () => join(dir, 'session.bin');

describe('loadDeviceId', () => {
  it('makes an id once and returns the same one on every later call', () => {
    const a = loadDeviceId(dir);
    expect(a).toMatch(/^d-[0-9a-f]{24}$/);
    expect(loadDeviceId(dir)).toBe(a);
    expect(readFileSync(join(dir, 'device-id'), 'utf8')).toBe(a);
  });

  it('two profiles get different ids', () => {
    const other = mkdtempSync(join(tmpdir(), 'ringdesk-identity-'));
    try {
      expect(loadDeviceId(other)).not.toBe(loadDeviceId(dir));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('reads an id written by hand, ignoring surrounding whitespace', () => {
    writeFileSync(join(dir, 'device-id'), '  my-laptop_1\n');
    expect(loadDeviceId(dir)).toBe('my-laptop_1');
  });

  it.each([['garbage with spaces'], ['../../etc'], [''], ['x'.repeat(65)], ['\u0000\u0001binary']])('replaces a garbage file %j with a new stable id', (content) => {
    writeFileSync(join(dir, 'device-id'), content);
    const id = loadDeviceId(dir);
    expect(id).toMatch(/^d-[0-9a-f]{24}$/);
    expect(readFileSync(join(dir, 'device-id'), 'utf8')).toBe(id);
    expect(loadDeviceId(dir)).toBe(id);
    expect(readdirSync(dir)).toEqual(['device-id']);
  });
});

describe('TokenVault', () => {
  it('saves encrypted, loads it back and clears it', () => {
    const secrets = new FakeSecrets();
    const v = new TokenVault(dir, secrets);
    expect(v.canPersist).toBe(true);
    expect(v.load()).toBeNull();
    expect(v.save('tok-123')).toBe(true);
    expect(readFileSync(sessionFile(), 'utf8')).not.toContain('tok-123');
    expect(new TokenVault(dir, secrets).load()).toBe('tok-123');
    v.clear();
    expect(existsSync(sessionFile())).toBe(false);
    expect(v.load()).toBeNull();
  });

  it('save(null) removes the token and reports success', () => {
    const v = new TokenVault(dir, new FakeSecrets());
    v.save('tok');
    expect(v.save(null)).toBe(true);
    expect(existsSync(sessionFile())).toBe(false);
  });

  it('a newer save replaces the older token, leaving no temp file', () => {
    const v = new TokenVault(dir, new FakeSecrets());
    v.save('first');
    v.save('second');
    expect(v.load()).toBe('second');
    expect(readdirSync(dir)).toEqual(['session.bin']);
  });

  it('writes nothing when the OS has no encryption: save returns false', () => {
    const secrets = new FakeSecrets();
    secrets.available = false;
    const v = new TokenVault(dir, secrets);
    expect(v.canPersist).toBe(false);
    expect(v.save('tok')).toBe(false);
    expect(secrets.encrypted).toEqual([]);
    expect(existsSync(sessionFile())).toBe(false);
    expect(v.load()).toBeNull();
  });

  it('a new session that cannot be kept removes the older saved one (it must not come back later)', () => {
    const secrets = new FakeSecrets();
    const v = new TokenVault(dir, secrets);
    v.save('old');
    secrets.available = false;
    expect(v.save('new')).toBe(false);
    expect(existsSync(sessionFile())).toBe(false);
    secrets.available = true;
    expect(v.load()).toBeNull();
  });

  it('does not try to decrypt when encryption went away, and keeps the file for later', () => {
    const secrets = new FakeSecrets();
    const v = new TokenVault(dir, secrets);
    v.save('tok');
    secrets.available = false;
    expect(v.load()).toBeNull();
    expect(existsSync(sessionFile())).toBe(true);
    secrets.available = true;
    expect(v.load()).toBe('tok');
  });

  it.each([['garbage'], ['ENC0:kot'], ['']])('a file that cannot be decrypted (%j) loads as null and is removed', (content) => {
    writeFileSync(sessionFile(), content);
    const v = new TokenVault(dir, new FakeSecrets());
    expect(v.load()).toBeNull();
    expect(existsSync(sessionFile())).toBe(false);
  });

  it('clear() is safe with no file', () => {
    const v = new TokenVault(dir, new FakeSecrets());
    expect(() => {
      v.clear();
      v.clear();
    }).not.toThrow();
  });
});
