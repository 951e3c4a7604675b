// A throwaway PKI made with the openssl CLI: a CA and server certificates it signs, for TLS tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  certFile: string;
  keyFile: string;
  /** The certificate's serial number (hex, upper case), to tell two certificates apart on the wire. */
  serial: string;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'ringdesk-pki-'));
  readonly caFile: string;
  readonly #caKey: string;
  #n = 0;

  /** A CA named `name` (two PKIs with different names do not trust each other). */
  constructor(name = 'Ringdesk Test CA') {
    this.caFile = join(this.dir, 'ca.crt');
    this.#caKey = join(this.dir, 'ca.key');
    openssl(
      ['req', '-x509', ...EC, '-keyout', this.#caKey, '-out', this.caFile, '-days', '2', '-subj', `/CN=${name}`,
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
      this.dir,
    );
  }

  get ca(): Buffer {
    return readFileSync(this.caFile);
  }

  /** A server certificate for localhost and 127.0.0.1, signed by this CA. */
  issue(cn = 'ringdesk.test'): Issued {
    const n = ++this.#n;
    const keyFile = join(this.dir, `server${n}.key`);
    const csr = join(this.dir, `server${n}.csr`);
    const certFile = join(this.dir, `server${n}.crt`);
    const ext = join(this.dir, `server${n}.ext`);
    writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    openssl(['req', ...EC, '-keyout', keyFile, '-out', csr, '-subj', `/CN=${cn}`], this.dir);
    openssl(['x509', '-req', '-in', csr, '-CA', this.caFile, '-CAkey', this.#caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext], this.dir);
    const serial = openssl(['x509', '-in', certFile, '-noout', '-serial'], this.dir).trim().replace(/^serial=/, '').toUpperCase();
    return { certFile, keyFile, serial };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
