import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type ServerConfig } from '../config.ts';
import { Logger } from '../logger.ts';
import type { Store } from '../store/Store.ts';
import { isHexSecret } from './authConfig.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('TokenSecret');
const META_KEY = 'token_secret';

/** A secret file: hex secrets, one a line; blank lines and `#` comments are skipped. The first signs. */
export function readSecretFile(path: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`tokenSecretFile: cannot read ${path}: ${(e as Error).message}`); // fs errors are Errors
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new ConfigError(`tokenSecretFile: ${path} holds no secret`);
  const bad = lines.findIndex((l) => !isHexSecret(l));
  if (bad >= 0) throw new ConfigError(`tokenSecretFile: secret ${bad + 1} in ${path} is not at least 64 hex characters`);
  return lines.map((l) => Buffer.from(l, 'hex'));
}

/**
 * The token secrets, newest first. From tokenSecretFile, else tokenSecret (RINGDESK_TOKEN_SECRET);
 * then the database's generated copy is deleted, since whoever reads a backup could forge tokens with it.
 * With neither, the secret is generated once and kept in the database (docs/accounts-and-tokens.md).
 */
export async function resolveTokenSecrets(config: Pick<ServerConfig, 'tokenSecret' | 'tokenSecretFile'>, store: Store): Promise<Buffer[]> {
  if (config.tokenSecret !== undefined && config.tokenSecretFile !== undefined) {
    throw new ConfigError('set tokenSecret (RINGDESK_TOKEN_SECRET) or tokenSecretFile (RINGDESK_TOKEN_SECRET_FILE), not both');
  }
  const configured = config.tokenSecretFile !== undefined ? readSecretFile(config.tokenSecretFile) : config.tokenSecret !== undefined ? [Buffer.from(config.tokenSecret, 'hex')] : null;
  const stored = await store.getMeta(META_KEY);
  if (configured) {
    if (stored !== undefined) {
      // Best effort: a read-only database must not stop a server whose secret is configured.
      await store.deleteMeta(META_KEY).then(
        () => log.warn('a token secret is configured: deleted the generated one from the database (tokens it signed no longer work)'),
        (e: unknown) => log.error('could not delete the generated token secret from the database: %s', errorMessage(e)),
      );
    }
    return configured;
  }
  if (stored !== undefined && isHexSecret(stored)) return [Buffer.from(stored, 'hex')];
  const hex = randomBytes(32).toString('hex');
  await store.setMeta(META_KEY, hex);
  log.warn('no token secret configured: generated one and kept it in the database; set RINGDESK_TOKEN_SECRET_FILE for production (docs/accounts-and-tokens.md)');
  return [Buffer.from(hex, 'hex')];
}
