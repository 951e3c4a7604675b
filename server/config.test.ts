import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('server config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-cfg-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('defaults < file < env < flags', () => {
    const p = file('a.json', JSON.stringify({ port: 1111, host: '0.0.0.0', heartbeatTimeoutMs: 5000 }));
    const c = loadConfig({ RINGDESK_SERVER_CONFIG: p, RINGDESK_PORT: '2222' }, { dbPath: '/tmp/x.sqlite' });
    expect(c).toMatchObject({ port: 2222, host: '0.0.0.0', heartbeatTimeoutMs: 5000, dbPath: '/tmp/x.sqlite', authTimeoutMs: 10_000 });
  });

  it('names the bad key and the source', () => {
    expect(() => loadConfig({ RINGDESK_PORT: 'eighty' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ RINGDESK_PORT: '70000' }, {})).toThrow(/port/);
    const p = file('b.json', JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ RINGDESK_SERVER_CONFIG: p }, {})).toThrow(/prot.*b\.json|b\.json.*prot|Unrecognized/s);
    expect(() => loadConfig({ RINGDESK_SERVER_CONFIG: file('c.json', '{oops') }, {})).toThrow(/not valid JSON/);
    expect(() => loadConfig({ RINGDESK_SERVER_CONFIG: join(dir, 'missing.json') }, {})).toThrow(/cannot read/);
    expect(() => loadConfig({ RINGDESK_TOKEN_SECRET: 'short' }, {})).toThrow(/tokenSecret/);
  });
});
