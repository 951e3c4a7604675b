import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPki } from '../../test/integration/pki.ts';
import { ConfigError } from '../config.ts';
import { loadTls } from './tls.ts';

let pki: TestPki;
beforeAll(() => {
  pki = new TestPki();
});
afterAll(() => pki.close());

describe('loadTls', () => {
  it('reads a matching certificate and key (and a CA file), and reports the subject and expiry', () => {
    const c = pki.issue('calls.example.test');
    const m = loadTls({ certFile: c.certFile, keyFile: c.keyFile, caFile: pki.caFile });
    expect(m.subject).toBe('CN=calls.example.test');
    expect(m.notAfter).toBeGreaterThan(Date.now());
    expect(m.options.ca).toBeInstanceOf(Buffer);
  });

  it('refuses unreadable, non-PEM and mismatched files, naming the file', () => {
    const a = pki.issue();
    const b = pki.issue();
    const junk = join(pki.dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n');
    const missing = join(pki.dir, 'missing.pem');
    const cases: [Parameters<typeof loadTls>[0], string][] = [
      [{ certFile: missing, keyFile: a.keyFile }, `cannot read tls.certFile ${missing}`],
      [{ certFile: a.certFile, keyFile: missing }, `cannot read tls.keyFile ${missing}`],
      [{ certFile: a.certFile, keyFile: a.keyFile, caFile: missing }, `cannot read tls.caFile ${missing}`],
      [{ certFile: junk, keyFile: a.keyFile }, `tls.certFile ${junk} is not a PEM certificate`],
      [{ certFile: a.keyFile, keyFile: a.keyFile }, `tls.certFile ${a.keyFile} is not a PEM certificate`],
      [{ certFile: a.certFile, keyFile: a.certFile }, `tls.keyFile ${a.certFile} is not an unencrypted PEM private key`],
      [{ certFile: a.certFile, keyFile: b.keyFile }, `tls.keyFile ${b.keyFile} does not match the certificate in tls.certFile ${a.certFile}`],
      [{ certFile: a.certFile, keyFile: a.keyFile, caFile: junk }, `tls.caFile ${junk} is not a PEM certificate`],
    ];
    for (const [cfg, message] of cases) {
      let thrown: unknown;
      try {
        loadTls(cfg);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, message).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toContain(message);
    }
  });
});
