import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { TURN_TTL, TurnConfigSchema, TurnCredentials, turnCredential } from './TurnConfig.ts';

const SECRET = 'north-wind-shared-secret';
const URLS = ['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:3478?transport=tcp', 'turns:turn.example.com:443?transport=tcp'];

describe('TURN REST API credentials', () => {
  it('match a vector computed independently with openssl', () => {
    // printf '%s' '1700000000:alice' | openssl dgst -binary -sha1 -hmac 'north-wind-shared-secret' | base64
    expect(turnCredential(SECRET, 'alice', 1_700_000_000)).toEqual({ username: '1700000000:alice', credential: 'DrNmkUpVI9rDvpilEEGPXznrgJA=' });
    // printf '%s' '1767312000:alice' | openssl dgst -binary -sha1 -hmac 'example-turn-shared-secret' | base64 (the protocol example)
    expect(turnCredential('example-turn-shared-secret', 'alice', 1_767_312_000).credential).toBe('KJGHbJojaODFLfIXS3o9/Qz+1ME=');
  });

  it('expire ttlSec after the injected clock, name the user, and change with the secret', () => {
    let nowMs = 1_700_000_000_500;
    const turn = new TurnCredentials(TurnConfigSchema.parse({ urls: URLS, secret: SECRET, ttlSec: 3600 }), () => nowMs);
    const [first] = turn.iceServers('bob');
    expect(first).toEqual({ urls: URLS, username: '1700003600:bob', credential: turnCredential(SECRET, 'bob', 1_700_003_600).credential });
    nowMs += 10_000;
    expect(turn.iceServers('bob')[0]?.username).toBe('1700003610:bob');
    expect(turnCredential('another-shared-secret-value', 'bob', 1_700_003_600).credential).not.toBe(first?.credential);
    expect(turn.iceTransportPolicy).toBe('all');
  });
});

describe('turn config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-turn-'));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('is absent by default: no TURN, nothing handed out', () => {
    expect(loadConfig({}, {}).turn).toBeUndefined();
  });

  it('has a 24 h TTL and policy "all" by default; the file, env and a secret file set it', () => {
    expect(loadConfig({}, { turn: { urls: URLS, secret: SECRET } }).turn).toEqual({ urls: URLS, secret: SECRET, ttlSec: TURN_TTL.defaultSec, iceTransportPolicy: 'all' });
    expect(TURN_TTL.defaultSec).toBe(86_400);
    const secretFile = file('secret', `${SECRET}\n`);
    const cfg = file('c.json', JSON.stringify({ turn: { urls: ['turn:10.0.0.1'], secret: 'replaced-by-the-secret-file', ttlSec: 600 } }));
    const c = loadConfig(
      { RINGDESK_SERVER_CONFIG: cfg, RINGDESK_TURN_URLS: `${URLS[0]}, ${URLS[2]}`, RINGDESK_TURN_SECRET_FILE: secretFile, RINGDESK_TURN_ICE_TRANSPORT_POLICY: 'relay' },
      {},
    );
    expect(c.turn).toEqual({ urls: [URLS[0], URLS[2]], secret: SECRET, ttlSec: 600, iceTransportPolicy: 'relay' });
    expect(loadConfig({ RINGDESK_TURN_URLS: 'turn:[2001:db8::1]:3478', RINGDESK_TURN_SECRET: SECRET, RINGDESK_TURN_TTL_SEC: '7200' }, {}).turn).toMatchObject({ ttlSec: 7200 });
  });

  it.each([
    ['a URL that is not turn: or turns:', { urls: ['stun:turn.example.com:3478'], secret: SECRET }, /turn\.urls\.0: must be turn:/],
    ['an http URL', { urls: ['https://turn.example.com'], secret: SECRET }, /turn\.urls\.0/],
    ['an unknown transport', { urls: ['turn:turn.example.com?transport=sctp'], secret: SECRET }, /turn\.urls\.0/],
    ['turns over UDP', { urls: ['turns:turn.example.com:443?transport=udp'], secret: SECRET }, /turn\.urls\.0: turns: runs over TLS/],
    ['no URL', { urls: [], secret: SECRET }, /turn\.urls: list at least one/],
    ['no secret', { urls: URLS }, /turn\.secret: missing/],
    ['both secret and secretFile', { urls: URLS, secret: SECRET, secretFile: '/etc/turn-secret' }, /turn\.secretFile: set turn\.secret or turn\.secretFile, not both/],
    ['a short secret', { urls: URLS, secret: 'short' }, /turn\.secret: the TURN secret must be at least 16/],
    ['a TTL under 5 minutes', { urls: URLS, secret: SECRET, ttlSec: 60 }, /turn\.ttlSec/],
    ['a TTL over a week', { urls: URLS, secret: SECRET, ttlSec: 8 * 24 * 3600 }, /turn\.ttlSec/],
    ['an unknown policy', { urls: URLS, secret: SECRET, iceTransportPolicy: 'none' }, /turn\.iceTransportPolicy/],
    ['an unknown key', { urls: URLS, secret: SECRET, realm: 'example.com' }, /realm/],
    ['a missing secret file', { urls: URLS, secretFile: '/nonexistent/turn-secret' }, /turn\.secretFile: cannot read \/nonexistent\/turn-secret/],
  ])('refuses to start with %s, naming the key', (_what, turn, message) => {
    expect(() => loadConfig({}, { turn })).toThrow(ConfigError);
    expect(() => loadConfig({}, { turn })).toThrow(message);
  });

  it('refuses a secret file that holds too short a secret, naming the file', () => {
    const p = file('weak', 'abc\n');
    expect(() => loadConfig({}, { turn: { urls: URLS, secretFile: p } })).toThrow(/turn\.secretFile: .*weak must hold a secret of at least 16/);
  });

  it('refuses a bad TTL or URL from the environment, naming the key', () => {
    expect(() => loadConfig({ RINGDESK_TURN_URLS: URLS[0], RINGDESK_TURN_SECRET: SECRET, RINGDESK_TURN_TTL_SEC: 'a day' }, {})).toThrow(/turn\.ttlSec/);
    expect(() => loadConfig({ RINGDESK_TURN_URLS: 'turn.example.com:3478', RINGDESK_TURN_SECRET: SECRET }, {})).toThrow(/turn\.urls\.0/);
    expect(() => loadConfig({ RINGDESK_TURN_SECRET: SECRET }, {})).toThrow(/turn\.urls/);
  });
});
