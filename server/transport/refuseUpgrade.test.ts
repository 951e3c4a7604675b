import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { CLOSE_CODES, closeRetryHint } from '../../src/shared/protocol/closeCodes.ts';
import { busyReason } from './AdmissionControl.ts';
import { closeFrame, isWebSocketUpgrade, refuseUpgrade } from './refuseUpgrade.ts';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s) await new Promise((r) => s.close(r));
});

/** A server whose upgrades are all refused with `code` (what upgrades.ts does while overloaded), ws answering malformed ones. */
async function refusingServer(code: number, reason: string): Promise<{ url: string; handedToWs: () => number }> {
  const wss = new WebSocketServer({ noServer: true });
  let handed = 0;
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    if (isWebSocketUpgrade(req)) return refuseUpgrade(req, socket, code, reason);
    handed++;
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(1000));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo; // a TCP listener
  return { url: `ws://127.0.0.1:${port}/ws`, handedToWs: () => handed };
}

describe('refuseUpgrade', () => {
  it('closes with the code and the retry hint, as the ws client sees it', async () => {
    const s = await refusingServer(CLOSE_CODES.serverBusy, busyReason(1500));
    const ws = new WebSocket(s.url);
    const [code, reason] = await new Promise<[number, string]>((resolve, reject) => {
      ws.on('close', (c, r) => resolve([c, r.toString()]));
      ws.on('error', reject);
    });
    expect(code).toBe(4503);
    expect(closeRetryHint(code, reason)).toBe(1500);
    expect(s.handedToWs()).toBe(0);
  });

  it('closes with the code and reason as the desktop app sees it (the WebSocket built into Node)', async () => {
    const s = await refusingServer(CLOSE_CODES.draining, 'draining; reconnect now');
    const ws = new globalThis.WebSocket(s.url);
    const ev = await new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve));
    expect(ev.code).toBe(4307);
    expect(ev.reason).toBe('draining; reconnect now');
  });

  it('tells a malformed upgrade from a WebSocket one, so ws can answer it with an HTTP error', async () => {
    const s = await refusingServer(CLOSE_CODES.serverBusy, busyReason(1000));
    const port = new URL(s.url).port;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/ws', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'not-a-key' } });
      req.on('response', (res) => resolve(res.statusCode));
      req.on('upgrade', () => reject(new Error('upgraded a request with a malformed key')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect(s.handedToWs()).toBe(1);
  });
});

describe('closeFrame', () => {
  it('encodes an unmasked close frame, and refuses a reason that does not fit one', () => {
    expect([...closeFrame(4503, 'ab')]).toEqual([0x88, 4, 0x11, 0x97, 0x61, 0x62]);
    expect(closeFrame(4503, 'x'.repeat(123)).length).toBe(127);
    expect(() => closeFrame(4503, 'x'.repeat(124))).toThrow(RangeError);
  });
});
