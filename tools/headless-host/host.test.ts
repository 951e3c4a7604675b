import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Logger } from '../../src/main/log/Logger.ts';
import { startHeadlessHost, type HeadlessHost } from './host.ts';

let host: HeadlessHost;
let dirs: string[];
let origin: string;
let token: string;

beforeAll(async () => {
  Logger.configure({ stderr: false });
  const renderer = mkdtempSync(join(tmpdir(), 'ringdesk-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>stub</title>');
  const profile = mkdtempSync(join(tmpdir(), 'ringdesk-host-'));
  dirs = [renderer, profile];
  host = await startHeadlessHost({ rendererDir: renderer, userDataDir: profile });
  const u = new URL(host.url);
  origin = u.origin;
  token = u.searchParams.get('token') ?? '';
});
afterAll(async () => {
  await host.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Outcome = { refused: number } | { reply: unknown };

/** A local process opening the IPC socket with the headers and token it chose, asking for the device. */
function attempt(query: string, headers: Record<string, string>): Promise<Outcome> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/ipc${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'getDevice', args: {} })));
    ws.once('message', (data) => {
      resolve({ reply: JSON.parse(String(data)) });
      ws.close();
    });
  });
}

describe('headless host: the IPC socket needs the Origin and the per-run token', () => {
  it('prints a URL with a token of at least 128 random bits', () => {
    expect(token).toMatch(/^[\w-]+$/);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it.each<[string, () => [string, Record<string, string>], number]>([
    ['the right Origin and no token', () => ['', { origin }], 401],
    ['the right Origin and an empty token', () => ['?token=', { origin }], 401],
    ['the right Origin and a wrong token of the same length', () => [`?token=${token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, { origin }], 401],
    ['the right Origin and a longer token', () => [`?token=${token}x`, { origin }], 401],
    ['the right token and another Origin', () => [`?token=${token}`, { origin: 'https://evil.example' }], 403],
    ['the right token and no Origin', () => [`?token=${token}`, {}], 403],
  ])('%s: refused before any IPC', async (_name, make, status) => {
    const [query, headers] = make();
    expect(await attempt(query, headers)).toEqual({ refused: status });
    expect(host.transport.pageCount).toBe(0);
  });

  it('the page opened from the printed URL (its Origin and token) gets IPC', async () => {
    expect(await attempt(`?token=${encodeURIComponent(token)}`, { origin })).toEqual({
      reply: { t: 'reply', id: 1, reply: { ok: true, value: { deviceId: host.core.deviceId, deviceName: expect.any(String) } } },
    });
  });

  it('a second run gets a different token', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'ringdesk-host-'));
    dirs.push(profile);
    const other = await startHeadlessHost({ rendererDir: dirs[0] ?? '', userDataDir: profile });
    try {
      expect(new URL(other.url).searchParams.get('token')).not.toBe(token);
    } finally {
      await other.close();
    }
  });
});
