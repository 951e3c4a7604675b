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

  it('storm and hot-path settings: listen backlog 4096, WAL checkpoints in the background every 250 ms (0 = SQLite inline)', () => {
    expect(loadConfig({}, {})).toMatchObject({ listenBacklog: 4096, walCheckpointMs: 250 });
    expect(loadConfig({}, { walCheckpointMs: 0 }).walCheckpointMs).toBe(0);
    expect(() => loadConfig({}, { walCheckpointMs: -1 })).toThrow(/walCheckpointMs/);
    expect(() => loadConfig({}, { listenBacklog: 0 })).toThrow(/listenBacklog/);
  });

  it('drainTimeoutMs: unset by default (the mode picks it), from the file or RINGDESK_DRAIN_TIMEOUT_MS, never negative', () => {
    expect(loadConfig({}, {}).drainTimeoutMs).toBeUndefined();
    expect(loadConfig({ RINGDESK_SERVER_CONFIG: file('d.json', JSON.stringify({ drainTimeoutMs: 120_000 })) }, {}).drainTimeoutMs).toBe(120_000);
    expect(loadConfig({ RINGDESK_DRAIN_TIMEOUT_MS: '0' }, {}).drainTimeoutMs).toBe(0);
    expect(() => loadConfig({ RINGDESK_DRAIN_TIMEOUT_MS: '-1' }, {})).toThrow(/drainTimeoutMs/);
    expect(() => loadConfig({ RINGDESK_DRAIN_TIMEOUT_MS: 'soon' }, {})).toThrow(/RINGDESK_DRAIN_TIMEOUT_MS must be a number/);
    // Empty is not 0 ("no drain"): a variable set by a script that forgot its value is refused, by name.
    expect(() => loadConfig({ RINGDESK_DRAIN_TIMEOUT_MS: '' }, {})).toThrow(/RINGDESK_DRAIN_TIMEOUT_MS must be a number, not ""/);
  });

  it('names the bad key and the source', () => {
    expect(() => loadConfig({ RINGDESK_PORT: 'eighty' }, {})).toThrow(ConfigError);
    for (const name of ['RINGDESK_PORT', 'RINGDESK_METRICS_PORT', 'RINGDESK_SFU_PORT', 'RINGDESK_SFU_RELAY_PORT']) {
      let err: unknown;
      try {
        loadConfig({ [name]: ' ' }, {});
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('env_not_a_number');
      expect((err as ConfigError).message).toContain(name);
    }
    expect(loadConfig({ RINGDESK_PORT: ' 8080 ' }, {}).port).toBe(8080);
    expect(() => loadConfig({ RINGDESK_PORT: '70000' }, {})).toThrow(/port/);
    const p = file('b.json', JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ RINGDESK_SERVER_CONFIG: p }, {})).toThrow(/prot.*b\.json|b\.json.*prot|Unrecognized/s);
    expect(() => loadConfig({ RINGDESK_SERVER_CONFIG: file('c.json', '{oops') }, {})).toThrow(/not valid JSON/);
    expect(() => loadConfig({ RINGDESK_SERVER_CONFIG: join(dir, 'missing.json') }, {})).toThrow(/cannot read/);
    expect(() => loadConfig({ RINGDESK_TOKEN_SECRET: 'short' }, {})).toThrow(/tokenSecret/);
  });

  it('has an sfu section with defaults that work on loopback and the LAN; file and env set it, unknown keys stop', () => {
    expect(loadConfig({}, {}).sfu).toEqual({
      enabled: true,
      logLevel: 'warn',
      rtcMinPort: 40100,
      rtcMaxPort: 49999,
      listenIp: '0.0.0.0',
      webRtcServerPort: 40000,
      maxIncomingBitrate: 5_000_000,
      initialAvailableOutgoingBitrate: 1_000_000,
      cluster: { relayHost: '0.0.0.0', relayPort: 8790, loadReportMs: 2000, loadTtlMs: 6000, relayTimeoutMs: 10_000 },
    });
    const p = file('sfu.json', JSON.stringify({ sfu: { numWorkers: 3, listenIp: '10.0.0.5', logLevel: 'error' } }));
    const c = loadConfig({ RINGDESK_SERVER_CONFIG: p, RINGDESK_SFU_ANNOUNCED_ADDRESS: 'media.example.com', RINGDESK_SFU_PORT: '41000' }, {});
    expect(c.sfu).toMatchObject({ numWorkers: 3, listenIp: '10.0.0.5', logLevel: 'error', announcedAddress: 'media.example.com', webRtcServerPort: 41000 });
    expect(() => loadConfig({ RINGDESK_SERVER_CONFIG: file('s2.json', JSON.stringify({ sfu: { lisenIp: 'x' } })) }, {})).toThrow(/lisenIp/);
    expect(() => loadConfig({ RINGDESK_SFU_WORKERS: '0' }, {})).toThrow(/numWorkers/);
    expect(() => loadConfig({}, { sfu: { rtcMinPort: 50000, rtcMaxPort: 40000 } })).toThrow(/rtcMinPort/);
  });

  it('sfu.cluster: each node its own relay address (file and env merge), a report TTL that outlives the interval', () => {
    const p = file('relay.json', JSON.stringify({ sfu: { numWorkers: 2, cluster: { relayHost: '10.0.0.5', loadReportMs: 1000 } } }));
    const c = loadConfig({ RINGDESK_SERVER_CONFIG: p, RINGDESK_SFU_RELAY_PORT: '9001', RINGDESK_SFU_RELAY_URL: 'ws://node1.internal:9001/relay' }, {});
    expect(c.sfu.numWorkers).toBe(2);
    expect(c.sfu.cluster).toMatchObject({ relayHost: '10.0.0.5', relayPort: 9001, relayUrl: 'ws://node1.internal:9001/relay', loadReportMs: 1000, loadTtlMs: 6000 });
    expect(() => loadConfig({ RINGDESK_SFU_RELAY_URL: 'http://x' }, {})).toThrow(/relayUrl/);
    expect(() => loadConfig({}, { sfu: { cluster: { loadReportMs: 5000, loadTtlMs: 4000 } } })).toThrow(/loadTtlMs/);
  });

  it('sign-in and token settings: defaults, the secret file from env, the scrypt cost checked', () => {
    const c = loadConfig({ RINGDESK_TOKEN_SECRET_FILE: '/run/secrets/ringdesk-token' }, {});
    expect(c).toMatchObject({
      tokenSecretFile: '/run/secrets/ringdesk-token',
      tokenTtlSec: 30 * 86_400,
      tokenMaxLifetimeSec: 90 * 86_400,
      tokenRotationGraceSec: 60,
      revocationPollMs: 250,
      trustProxy: false,
      scrypt: { N: 16384, r: 8, p: 1 },
      authThrottle: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 900_000 },
    });
    const p = file('auth.json', JSON.stringify({ scrypt: { N: 32768 }, authThrottle: { addressFreeFailures: 50 }, trustProxy: true }));
    expect(loadConfig({ RINGDESK_SERVER_CONFIG: p }, {})).toMatchObject({ scrypt: { N: 32768, r: 8, p: 1 }, authThrottle: { freeFailures: 5, addressFreeFailures: 50 }, trustProxy: true });
    expect(() => loadConfig({}, { scrypt: { N: 20000 } })).toThrow(/power of two/);
    expect(() => loadConfig({}, { scrypt: { N: 1048576, r: 8 } })).toThrow(/256 MiB/);
  });
});

describe('server config: tls and metrics', () => {
  it('has no tls by default and metrics on loopback; env sets both, unknown keys stop', () => {
    const d = loadConfig({}, {});
    expect(d.tls).toBeUndefined();
    expect(d.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9464 });
    const c = loadConfig({ RINGDESK_TLS_CERT: '/etc/ringdesk/fullchain.pem', RINGDESK_TLS_KEY: '/etc/ringdesk/privkey.pem', RINGDESK_METRICS_HOST: '10.0.0.5', RINGDESK_METRICS_PORT: '9100' }, {});
    expect(c.tls).toEqual({ certFile: '/etc/ringdesk/fullchain.pem', keyFile: '/etc/ringdesk/privkey.pem' });
    expect(c.metrics).toEqual({ enabled: true, host: '10.0.0.5', port: 9100 });
    expect(() => loadConfig({ RINGDESK_TLS_CERT: '/x.pem' }, {})).toThrow(/tls\.keyFile|keyFile/);
    expect(() => loadConfig({}, { tls: { certFile: 'a', keyFile: 'b', passphrase: 'x' } })).toThrow(/passphrase/);
    expect(() => loadConfig({}, { metrics: { prot: 1 } })).toThrow(/prot/);
  });
});

describe('cluster mode config', () => {
  const secret = 's'.repeat(40);
  it('neither redis nor postgres: the embedded default (no cluster)', async () => {
    const { clusterSettings } = await import('./cluster/ClusterConfig.ts');
    expect(clusterSettings(loadConfig({}, {}))).toBeNull();
  });

  it('both from the environment, with the secret: cluster settings with a node id from host and port', async () => {
    const { clusterSettings } = await import('./cluster/ClusterConfig.ts');
    const c = loadConfig({ RINGDESK_REDIS_URL: 'redis://127.0.0.1:6379', RINGDESK_POSTGRES_URL: 'postgres://u@h/db', RINGDESK_CLUSTER_SECRET: secret, RINGDESK_PORT: '9001' }, {});
    expect(clusterSettings(c, 'box')).toMatchObject({ nodeId: 'box:9001', redisUrl: 'redis://127.0.0.1:6379', postgresUrl: 'postgres://u@h/db', secret, leaseMs: 10_000 });
    const named = loadConfig({ RINGDESK_REDIS_URL: 'redis://r', RINGDESK_POSTGRES_URL: 'postgres://p/db', RINGDESK_CLUSTER_SECRET: secret, RINGDESK_CLUSTER_NODE_ID: 'node-7' }, {});
    expect(clusterSettings(named)?.nodeId).toBe('node-7');
  });

  it('only one of the two, or no secret, stops the start with a stable code', () => {
    const codeOf = (env: NodeJS.ProcessEnv): string | undefined => {
      try {
        loadConfig(env, {});
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).code; // asserted just above
      }
      return 'started';
    };
    expect(codeOf({ RINGDESK_REDIS_URL: 'redis://r' })).toBe('cluster_incomplete');
    expect(codeOf({ RINGDESK_POSTGRES_URL: 'postgres://p/db', RINGDESK_CLUSTER_SECRET: secret })).toBe('cluster_incomplete');
    expect(codeOf({ RINGDESK_REDIS_URL: 'redis://r', RINGDESK_POSTGRES_URL: 'postgres://p/db' })).toBe('cluster_secret_missing');
    expect(() => loadConfig({ RINGDESK_REDIS_URL: 'http://r' }, {})).toThrow(/redis/);
    const file = join(mkdtempSync(join(tmpdir(), 'ringdesk-cfg-')), 'secret');
    writeFileSync(file, 'short\n');
    expect(codeOf({ RINGDESK_REDIS_URL: 'redis://r', RINGDESK_POSTGRES_URL: 'postgres://p/db', RINGDESK_CLUSTER_SECRET_FILE: file })).toBe('cluster_secret_invalid');
  });
});
