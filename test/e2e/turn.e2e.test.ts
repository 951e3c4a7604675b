// A call relayed through a real coturn: the server's `turn` section (shared secret, policy 'relay')
// hands both desktops TURN credentials with their transports, Chromium may only use relay
// candidates, and video still decodes both ways. Checked from the browser's own getStats (the
// selected candidate pair is a relay) and from coturn's log (it allocated for both users).
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type Coturn } from './coturn.ts';
import { assertMediasoupWorker, screenshot, videoCallAccepted, type Desktop } from './harness.ts';
import { FLOW_MS, suiteMedia } from './mediaFlow.ts';
import { e2eSuite } from './suite.ts';

const SECRET = randomBytes(24).toString('hex');
let coturn: Coturn | undefined;
const turn = (): Coturn => {
  if (!coturn) throw new Error('coturn is not started');
  return coturn;
};

const suite = e2eSuite({
  check: assertMediasoupWorker,
  // The real code path: the server's config hint, not a page-side override, forces relay.
  server: () => ({ turn: { urls: [turn().url], secret: SECRET, ttlSec: 600, iceTransportPolicy: 'relay' } }),
});
// Its desktops keep their peer connections: connectedPairs reads them, and a failed wait shows what each sends.
const media = suiteMedia(suite);
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

/** Both transports (send and recv) of this page are connected, each through a relay candidate. */
async function relayed(d: Desktop): Promise<PcView[]> {
  const end = Date.now() + FLOW_MS;
  for (;;) {
    const pcs = await connectedPairs(d.page);
    if (pcs.length >= 2 && pcs.every((p) => p.local !== null)) return pcs;
    if (Date.now() > end) throw new Error(`${d.name}: ${pcs.length} connected transports, ${JSON.stringify(pcs)}\n${await media.whatFlows(d.page)}`);
    await d.page.waitForTimeout(250);
  }
}

describe('TURN relay', () => {
  it('with iceTransportPolicy "relay" from the server, a video call goes through coturn and decodes both ways', async () => {
    const alice = await media.desktop('alice-pc', 'alice');
    const bob = await media.desktop('bob-pc', 'bob');
    await videoCallAccepted(alice, bob);

    await media.keepsFlowing(alice.page, 'bob', 'video');
    await media.keepsFlowing(bob.page, 'alice', 'video');

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
