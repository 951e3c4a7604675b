// Media across cluster nodes, in the real app: three nodes (each with its mediasoup worker) on
// Redis and Postgres, HAProxy in front as docs/deployment-server.md sets it up, and two desktops in
// Chromium signed in on different nodes. Their video call decodes real frames both ways, whichever
// node hosts the room (the other member's requests are relayed). Then the node holding Bob's
// signaling drains: Bob's app is sent away, comes back through HAProxy on another node, and the
// media keeps flowing; once the call ends the drained node exits 0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type NodeProcess, type TestCluster } from '../cluster/clusterKit.ts';
import { until } from '../integration/harness.ts';
import { haproxyBin, startTestHaproxy, type TestHaproxy } from '../support/haproxy.ts';
import { ARTIFACTS, assertMediasoupWorker, assertPrerequisites, launchBrowser, openDesktop, screenshot, signIn, videoCallAccepted, type Desktop } from './harness.ts';
import { byConsumer, mediaFlow, RECOVER_MS } from './mediaFlow.ts';
import { TRACK_PEER_CONNECTIONS } from './peerConnections.ts';
import { errorMessage } from '../../src/shared/errors.ts';

let cluster: TestCluster | undefined;
let haproxy: TestHaproxy | undefined;
let browser: Browser | undefined;
const desktops: Desktop[] = [];
// The rooms live in the nodes' processes, so a failed wait shows the page's overlay and what each
// desktop sends (their peer connections are kept); withNodeLogs adds the nodes' side.
const media = mediaFlow({ desktops: () => desktops });

beforeAll(async () => {
  assertPrerequisites();
  assertMediasoupWorker();
  if (!haproxyBin()) throw new Error('haproxy is not installed: run "bash scripts/setup-services.sh"');
  cluster = await startTestCluster({
    users: ['alice', 'bob'],
    metrics: true,
    config: {
      // The drain keeps the media it hosts until the call ends (well past this test's call).
      drainTimeoutMs: 120_000,
      heartbeatTimeoutMs: 60_000,
      sfu: {
        numWorkers: 1,
        webRtcServerPort: 0,
        listenIp: '127.0.0.1',
        announcedAddress: '127.0.0.1',
        // Reports every half second, kept 15 s: a node stalled on this busy machine must not drop out of placement.
        cluster: { relayHost: '127.0.0.1', relayPort: 0, loadReportMs: 500, loadTtlMs: 15_000 },
      },
    },
  });
  haproxy = await startTestHaproxy(cluster.nodes.map((n) => ({ name: n.id, port: n.port, checkPort: n.metricsPort })));
  browser = await launchBrowser();
}, 400_000);

afterAll(async () => {
  for (const d of desktops.splice(0)) await d.close();
  await browser?.close();
  await haproxy?.stop();
  await cluster?.close();
});

interface Health {
  connections: number;
  media: { rooms: number };
}
async function health(n: NodeProcess): Promise<Health> {
  const r = await fetch(`http://127.0.0.1:${n.port}/healthz`);
  return (await r.json()) as Health;
}

/** The node with a connection (each test user has one device): where HAProxy sent that desktop. */
async function nodeWithConnection(nodes: NodeProcess[]): Promise<NodeProcess> {
  let found: NodeProcess | undefined;
  await until(async () => {
    for (const n of nodes) if (n.up && (await health(n)).connections > 0) found = n;
    return found !== undefined;
  }, RECOVER_MS, 'a node holding the connection');
  if (!found) throw new Error('no node holds the connection');
  return found;
}

/** A failure's message gets the nodes' warnings and errors: the media path crosses three processes. */
async function withNodeLogs(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    // Each node's log tail next to the screenshots, for what the warnings do not say.
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const n of cluster?.nodes ?? []) writeFileSync(join(ARTIFACTS, `cluster-media-${n.id}.log`), n.log());
    // What each app showed: its screen and any error it displayed (a failed directory search, say).
    const shown: string[] = [];
    for (const [i, d] of desktops.entries()) {
      await screenshot(d.page, `cluster-media-failed-${i}`).catch(() => undefined);
      const alerts = await d.page.getByRole('alert').allInnerTexts().catch((x: unknown) => [String(x)]);
      const search = await d.page.getByTestId('contact-search').inputValue({ timeout: 1000 }).catch(() => '(no search field)');
      shown.push(`desktop ${i}: at ${d.page.url()}, search "${search}", alerts ${JSON.stringify(alerts)}`);
    }
    throw new Error(`${errorMessage(e)}\n${shown.join('\n')}\n${cluster?.problems(40) ?? ''}`);
  }
}

/** Video keeps decoding both ways (each wait as long as a recovery may take: the media path crosses nodes). */
async function bothDecode(alice: Desktop, bob: Desktop): Promise<void> {
  await media.keepsFlowing(alice.page, 'bob', 'video', RECOVER_MS);
  await media.keepsFlowing(bob.page, 'alice', 'video', RECOVER_MS);
}

describe('media across cluster nodes', () => {
  it('a video call between members on different nodes decodes both ways; draining the node of one member keeps the media flowing while its app reconnects elsewhere; the drained node exits 0 after the call', async () => {
    if (!cluster || !haproxy || !browser) throw new Error('not started');
    const nodes = cluster.nodes;
    // Bob through the load balancer, as a deployed app is configured.
    const bob = await openDesktop(browser, 'bob-pc', { initScript: TRACK_PEER_CONNECTIONS });
    desktops.push(bob);
    await signIn(bob, haproxy.url, 'bob');
    const bobNode = await nodeWithConnection(nodes);
    // Alice directly on another node, so the two are on different nodes whatever HAProxy chose.
    const aliceNode = nodes.find((n) => n !== bobNode);
    if (!aliceNode) throw new Error('one node only');
    const alice = await openDesktop(browser, 'alice-pc', { initScript: TRACK_PEER_CONNECTIONS });
    desktops.push(alice);
    await signIn(alice, aliceNode.url, 'alice');

    await withNodeLogs(() => videoCallAccepted(alice, bob).then(() => undefined));
    await withNodeLogs(() => bothDecode(alice, bob));
    const rooms = await Promise.all(nodes.map(async (n) => (await health(n)).media.rooms));
    const mediaNode = nodes[rooms.findIndex((r) => r > 0)];
    expect(rooms.filter((r) => r > 0), 'one room in the whole cluster').toHaveLength(1);
    if (!mediaNode) throw new Error('no room anywhere');
    console.log(`cluster media: bob on ${bobNode.id}, alice on ${aliceNode.id}, room on ${mediaNode.id}`);
    const before = new Set((await byConsumer(alice.page, 'bob')).keys());

    // Drain Bob's node (a rolling upgrade's SIGTERM); the test waits for its exit later.
    process.kill(bobNode.pid, 'SIGTERM');
    await until(
      async () => {
        let elsewhere = 0;
        for (const n of nodes) if (n !== bobNode && n.up) elsewhere += (await health(n)).connections;
        return elsewhere >= 2; // alice, and bob back through HAProxy on a node that is not draining
      },
      RECOVER_MS,
      "bob's app back on another node",
    );
    // Media flows both ways after the move, and the call is the same call.
    await withNodeLogs(() => bothDecode(alice, bob));
    await screenshot(bob.page, 'cluster-media-after-drain');
    const after = await byConsumer(alice.page, 'bob');
    console.log(`cluster media: after the drain alice decodes bob on ${[...after.keys()].some((k) => before.has(k)) ? 'the same' : 'a new'} consumer`);
    // A drained node that hosts the room stays until the call ends.
    if (mediaNode === bobNode) expect(bobNode.up, 'the draining media node keeps the room').toBe(true);

    await alice.page.getByTestId('end-call').click();
    await bob.page.getByTestId('screen-call-ended').waitFor({ timeout: RECOVER_MS });
    await until(() => !bobNode.up, RECOVER_MS * 2, 'the drained node exits');
    expect(bobNode.exitCode, bobNode.log().slice(-3000)).toBe(0);
  }, 400_000);
});
