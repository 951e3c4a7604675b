// A call relayed through a real coturn: the server's `turn` section (shared secret, policy 'relay')
// hands both desktops TURN credentials with their transports, Chromium may only use relay
// candidates, and video still decodes both ways. Checked from the browser's own getStats (the
// selected candidate pair is a relay) and from coturn's log (it allocated for both users).
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerBin } from '../integration/harness.ts';
import { startCoturn, type Coturn } from './coturn.ts';
import { screenshot, videoCallAccepted, type Desktop } from './harness.ts';
import { TRACK_PEER_CONNECTIONS } from './peerConnections.ts';
import { e2eSuite } from './suite.ts';

const SECRET = randomBytes(24).toString('hex');
let coturn: Coturn | undefined;
const turn = (): Coturn => {
  if (!coturn) throw new Error('coturn is not started');
  return coturn;
};

const suite = e2eSuite({
  check: () => {
    if (!workerBin()) throw new Error('no mediasoup worker: run "bash scripts/setup-mediasoup.sh" or set MEDIASOUP_WORKER_BIN');
  },
  // The real code path: the server's config hint, not a page-side override, forces relay.
  server: () => ({ turn: { urls: [turn().url], secret: SECRET, ttlSec: 600, iceTransportPolicy: 'relay' } }),
});
beforeAll(async () => {
  coturn = await startCoturn(SECRET);
});
afterAll(async () => {
  await coturn?.stop();
});

interface PcView {
  policy: string | null;
  iceServers: number;
  local: string | null;
  remote: string | null;
  relayProtocol: string | null;
}

/** For each connected peer connection: its configuration and the selected pair's candidate types. */
function connectedPairs(page: Page): Promise<PcView[]> {
  // Runs in the page; typed loosely because this file is checked without the DOM library.
  return page.evaluate(async () => {
    type Stat = Record<string, unknown>;
    type Pc = { connectionState: string; getConfiguration(): { iceTransportPolicy?: string; iceServers?: unknown[] }; getStats(): Promise<{ forEach(f: (v: Stat) => void): void }> };
    const pcs = (Reflect.get(globalThis, '__ringdeskPcs') ?? []) as Pc[];
    const out: PcView[] = [];
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue;
      const byId = new Map<string, Stat>();
      (await pc.getStats()).forEach((v) => byId.set(String(v['id']), v));
      const transport = [...byId.values()].find((v) => v['type'] === 'transport' && typeof v['selectedCandidatePairId'] === 'string');
      const pair = transport ? byId.get(String(transport['selectedCandidatePairId'])) : undefined;
      const local = pair ? byId.get(String(pair['localCandidateId'])) : undefined;
      const remote = pair ? byId.get(String(pair['remoteCandidateId'])) : undefined;
      const config = pc.getConfiguration();
      out.push({
        policy: config.iceTransportPolicy ?? null,
        iceServers: config.iceServers?.length ?? 0,
        local: typeof local?.['candidateType'] === 'string' ? local['candidateType'] : null,
        remote: typeof remote?.['candidateType'] === 'string' ? remote['candidateType'] : null,
        relayProtocol: typeof local?.['relayProtocol'] === 'string' ? local['relayProtocol'] : null,
      });
    }
    return out;
  });
}

/** Decoded frames of `user`'s camera on this page, from the quality overlay (sampled once a second). */
async function framesFrom(page: Page, user: string): Promise<number> {
  const sel = `[data-direction="in"][data-user="${user}"][data-kind="video"][data-source="camera"]`;
  const frames = await page.locator(sel).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-frames-decoded') ?? 0)));
  return Math.max(0, ...frames);
}

/** Frames from `user` arrive and keep arriving: a first count above zero, then a larger one. */
async function videoKeepsDecoding(page: Page, user: string): Promise<void> {
  const end = Date.now() + 30_000;
  let first = 0;
  while ((first = await framesFrom(page, user)) <= 0) {
    if (Date.now() > end) throw new Error(`no video from ${user} was decoded`);
    await page.waitForTimeout(250);
  }
  while ((await framesFrom(page, user)) <= first) {
    if (Date.now() > end) throw new Error(`video from ${user} stopped at ${first} frames`);
    await page.waitForTimeout(250);
  }
}

/** Both transports (send and recv) of this page are connected, each through a relay candidate. */
async function relayed(d: Desktop): Promise<PcView[]> {
  const end = Date.now() + 30_000;
  for (;;) {
    const pcs = await connectedPairs(d.page);
    if (pcs.length >= 2 && pcs.every((p) => p.local !== null)) return pcs;
    if (Date.now() > end) throw new Error(`${d.name}: ${pcs.length} connected transports, ${JSON.stringify(pcs)}`);
    await d.page.waitForTimeout(250);
  }
}

describe('TURN relay', () => {
  it('with iceTransportPolicy "relay" from the server, a video call goes through coturn and decodes both ways', async () => {
    const alice = await suite.desktop('alice-pc', 'alice', { initScript: TRACK_PEER_CONNECTIONS });
    const bob = await suite.desktop('bob-pc', 'bob', { initScript: TRACK_PEER_CONNECTIONS });
    await videoCallAccepted(alice, bob);

    await videoKeepsDecoding(alice.page, 'bob');
    await videoKeepsDecoding(bob.page, 'alice');

    for (const d of [alice, bob]) {
      const pcs = await relayed(d);
      for (const pc of pcs) {
        expect(pc, d.name).toMatchObject({ policy: 'relay', iceServers: 1, local: 'relay', relayProtocol: 'udp' });
        // mediasoup is ICE-lite with host candidates only: the relay talks to it directly.
        expect(pc.remote, d.name).toBe('host');
      }
    }
    // coturn itself allocated for both users, with the credentials the Ringdesk server minted.
    const log = turn().log();
    for (const user of ['alice', 'bob']) expect(log, `coturn log for ${user}`).toMatch(new RegExp(`user <\\d+:${user}>: incoming packet ALLOCATE processed, success`));
    await screenshot(alice.page, 'media-turn-relay');
  });
});
