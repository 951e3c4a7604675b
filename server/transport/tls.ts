import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../config.ts';
import type { TlsConfig } from './TlsConfig.ts';
import { errorMessage } from '../../src/shared/errors.ts';

/** What the HTTPS server is given, plus what an operator wants to know about it. */
export interface TlsMaterial {
  options: Pick<SecureContextOptions, 'cert' | 'key' | 'ca'>;
  subject: string;
  /** The leaf certificate's notAfter, in ms. */
  notAfter: number;
}

function read(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(e as Error).message}`); // fs errors are Errors
  }
}

function errText(e: unknown): string {
  return errorMessage(e);
}

/**
 * Reads and checks the certificate, key and optional CA file. Every failure is a ConfigError that
 * names the file: at start it stops the server (exit 2), on reload the old certificate stays.
 */
export function loadTls(c: TlsConfig): TlsMaterial {
  const cert = read('tls.certFile', c.certFile);
  const key = read('tls.keyFile', c.keyFile);
  const ca = c.caFile === undefined ? undefined : read('tls.caFile', c.caFile);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (e) {
    throw new ConfigError(`tls.certFile ${c.certFile} is not a PEM certificate: ${errText(e)}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    throw new ConfigError(`tls.keyFile ${c.keyFile} is not an unencrypted PEM private key: ${errText(e)}`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new ConfigError(`tls.keyFile ${c.keyFile} does not match the certificate in tls.certFile ${c.certFile}`);
  }
  if (ca !== undefined) {
    try {
      new X509Certificate(ca);
    } catch (e) {
      throw new ConfigError(`tls.caFile ${c.caFile} is not a PEM certificate: ${errText(e)}`);
    }
  }
  const options = { cert, key, ...(ca === undefined ? {} : { ca }) };
  try {
    createSecureContext(options); // what the server will do with them: OpenSSL's own checks
  } catch (e) {
    throw new ConfigError(`tls.certFile ${c.certFile} / tls.keyFile ${c.keyFile} were refused by OpenSSL: ${errText(e)}`);
  }
  return { options, subject: leaf.subject.replace(/\n/g, ', '), notAfter: Date.parse(leaf.validTo) };
}
