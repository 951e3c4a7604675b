// Media across nodes with real mediasoup workers and a real Redis. Two nodes in this one test
// process, each with its own WorkerPool (its own worker process), SfuService, relay listener and
// load reporter: node A is a full server (clients sign in there), node B a media node. They share
// A's CallService as the call state every node of a cluster reads (the signaling cluster's part).
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterMedia } from '../../server/cluster/media/ClusterMedia.ts';
import { MEDIA_KEYS } from '../../server/cluster/media/mediaLoad.ts';
import { RelayClient } from '../../server/cluster/media/RelayClient.ts';
import { RELAY_CLOSE, RelayError } from '../../server/cluster/media/relayProtocol.ts';
import { SessionRegistry } from '../../server/routing/SessionRegistry.ts';
import { SfuConfigSchema, type SfuConfigInput } from '../../server/sfu/SfuConfig.ts';
import { SfuService } from '../../server/sfu/SfuService.ts';
import { isRingdeskError } from '../../src/shared/errors.ts';
import { asCallId, asDeviceId, asUserId, type CallId } from '../../src/shared/protocol/index.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { SYSTEM_CLOCK } from '../../server/app.ts';
import { connect, once, startTestServer, until, type TestClient, type TestServer } from './harness.ts';
import { codeOf, DTLS, opus, req, requireWorker, sfuPush } from './sfuKit.ts';

const SECRET = randomBytes(32).toString('hex');
/** Fast reports so a dead node expires within a test; the TTL is what the test waits for. */
const CLUSTER = { relayHost: '127.0.0.1', relayPort: 0, loadReportMs: 150, loadTtlMs: 900 } as const;

interface MediaNode {
  sfu: SfuService;
  media: ClusterMedia;
  close(withdraw?: boolean): Promise<void>;
}

let redis: TestRedis;
let a: TestServer;
let b: MediaNode;

/** A media-only node: workers, relay and reports, no signaling of its own (A's calls are its call state). */
async function mediaNode(nodeId: string, sfu: SfuConfigInput, secret = SECRET): Promise<MediaNode> {
  const config = SfuConfigSchema.parse({ numWorkers: 1, webRtcServerPort: 0, listenIp: '127.0.0.1', ...sfu, cluster: CLUSTER });
  const media = new ClusterMedia({ nodeId, secret, redis: redis.url, config: config.cluster, sessions: new SessionRegistry() });
  const service = new SfuService({ config, calls: a.server.services.calls, sessions: media.sessions, graceMs: 30_000, remote: media });
  await service.start();
  await media.start(service);
  return {
    sfu: service,
    media,
    async close(withdraw = true) {
      await media.close(withdraw);
      service.close();
    },
  };
}

/** `inviter` calls `invitee`; the call is placed on `node` before the answer (so its room is made there). */
async function callOn(inviter: TestClient, invitee: TestClient, place: ((callID: CallId) => Promise<unknown>) | null): Promise<CallId> {
  const ringing = once(invitee.calls, 'callInvitationReceived');
  const { call } = await inviter.calls.callInvite([invitee.userId], { mode: 'advanced' });
  await ringing;
  if (place) await place(call.callID);
  await invitee.calls.callAccept(call.callID);
  return call.callID;
}

async function joinIn(c: TestClient, callID: CallId) {
  const { rtpCapabilities } = await req(c, 'sfuCapabilities', { callID });
  return req(c, 'sfuJoin', { callID, rtpCapabilities });
}

beforeAll(async () => {
  requireWorker();
  redis = await startTestRedis();
  a = await startTestServer(
    ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivy'],
    { sfu: { announcedAddress: '127.0.0.1', cluster: CLUSTER } },
    SYSTEM_CLOCK,
    { clusterMedia: { nodeId: 'node-a', secret: SECRET, redis: redis.url } },
  );
  b = await mediaNode('node-b', { announcedAddress: '127.0.0.2' });
}, 60_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
  await redis?.stop();
});


/** A's ClusterMedia (app.ts made it from ServerParts). */
function mediaA(): ClusterMedia {
  const m = a.server.media;
  if (!m) throw new Error('node A runs without cluster media');
  return m;
}

/** Until both nodes' reports are in Redis, with `pred` true of them. */
async function loadsUntil(pred: (routersA: number, routersB: number) => boolean): Promise<void> {
  await until(async () => {
    const nodes = await mediaA().placement.nodes();
    const routers = (id: string) => nodes.find((n) => n.nodeId === id)?.workers.reduce((s, w) => s + w.routers, 0);
    const ra = routers('node-a');
    const rb = routers('node-b');
    return ra !== undefined && rb !== undefined && pred(ra, rb);
  }, undefined, 'load reports');
}

describe('media across nodes', () => {
  let alice: TestClient, bob: TestClient, carol: TestClient, dave: TestClient, erin: TestClient;
  let onA: CallId;
  let onB: CallId;

  beforeAll(async () => {
    [alice, bob, carol, dave, erin] = await Promise.all([connect(a.url, 'alice'), connect(a.url, 'bob'), connect(a.url, 'carol'), connect(a.url, 'dave'), connect(a.url, 'erin')]);
  });
  afterAll(() => {
    for (const c of [alice, bob, carol, dave, erin]) c?.sig.close();
  });

  it('places a new call on the least loaded worker of the whole cluster, and records it once', async () => {
    await loadsUntil((ra, rb) => ra === 0 && rb === 0);
    // Load node A: a call placed there (prefer: as a node that already hosts its room would), two members in it.
    onA = await callOn(alice, bob, (callID) => mediaA().placement.place(callID, { nodeId: 'node-a', worker: 0 }));
    await joinIn(alice, onA);
    await joinIn(bob, onA);
    await req(alice, 'sfuCreateTransport', { callID: onA, direction: 'send' });
    expect(a.server.services.sfu.rooms.has(onA)).toBe(true);
    await loadsUntil((ra, rb) => ra === 1 && rb === 0);

    // The next call is decided by whichever node sees its first accept: node B's worker is the idle one.
    onB = await callOn(carol, dave, null);
    await joinIn(carol, onB);
    expect(await mediaA().placement.recorded(onB)).toEqual({ nodeId: 'node-b', worker: 0 });
    expect(b.sfu.rooms.has(onB)).toBe(true);
    expect(a.server.services.sfu.rooms.has(onB)).toBe(false);
  });

  it("relays sfuJoin, transports, produce and consume to the media node, and its pushes back; transports carry that node's address", async () => {
    const relayedBefore = mediaA().stats.relayed;
    // carol already joined in the previous step; dave joins now, through node A's relay.
    const joined = await joinIn(dave, onB);
    expect(joined.members.map((m) => m.userId)).toEqual(['carol']);
    expect(b.sfu.inspect(onB)?.peers.map((p) => p.userId).sort()).toEqual(['carol', 'dave']);

    const send = await req(carol, 'sfuCreateTransport', { callID: onB, direction: 'send' });
    // The media node's address (B announces 127.0.0.2), not the signaling node's (A announces 127.0.0.1).
    expect(send.iceCandidates.length).toBeGreaterThan(0);
    expect(new Set(send.iceCandidates.map((c) => c.address))).toEqual(new Set(['127.0.0.2']));
    await req(carol, 'sfuConnectTransport', { callID: onB, transportId: send.transportId, dtlsParameters: DTLS });
    const recv = await req(dave, 'sfuCreateTransport', { callID: onB, direction: 'recv' });
    expect(new Set(recv.iceCandidates.map((c) => c.address))).toEqual(new Set(['127.0.0.2']));

    // B's room tells dave about carol's producer: the push crosses the relay back to A, then to dave.
    const announced = sfuPush(dave, 'sfuNewProducer');
    const { producerId } = await req(carol, 'sfuProduce', { callID: onB, transportId: send.transportId, kind: 'audio', source: 'mic', rtpParameters: opus('0') });
    expect((await announced).producer).toMatchObject({ producerId, userId: 'carol', kind: 'audio' });

    const consumer = await req(dave, 'sfuConsume', { callID: onB, producerId });
    expect(consumer).toMatchObject({ producerId, userId: 'carol', kind: 'audio' });
    await req(dave, 'sfuResumeConsumer', { callID: onB, consumerId: consumer.consumerId });
    expect(b.sfu.inspect(onB)?.peers.find((p) => p.userId === 'dave')?.consumers).toEqual([consumer.consumerId]);

    // Closing the producer on B closes dave's consumer there, and he hears it through the relay.
    const closed = sfuPush(dave, 'sfuConsumerClosed');
    await req(carol, 'sfuCloseProducer', { callID: onB, producerId });
    expect((await closed).consumerId).toBe(consumer.consumerId);
    expect(mediaA().stats.relayed - relayedBefore).toBeGreaterThanOrEqual(8);
    expect(a.server.services.sfu.rooms.has(onB)).toBe(false);
  });

  it('the media node checks the call itself: a stranger is refused there, whatever node relays for it', async () => {
    expect(await codeOf(erin, 'sfuJoin', { callID: onB, rtpCapabilities: {} })).toBe('media_forbidden');
    // A node holding the secret that claims a device which is no member gets the same answer from B.
    const relay = new RelayClient({ nodeId: 'node-x', secret: SECRET, timeoutMs: 10_000, resolve: async () => b.media.relayUrl, onPush: () => undefined, onLinkLost: () => undefined });
    try {
      const actor = { userId: asUserId('erin'), deviceId: asDeviceId('erin-d1'), deviceName: 'forged' };
      const err = await relay.request('node-b', actor, { id: 1, type: 'sfuCreateTransport', data: { callID: onB, direction: 'send' } }).catch((e: unknown) => e);
      expect(isRingdeskError(err) && err.code).toBe('media_forbidden');
      // Bad input through the relay is a bad_request from the media node, as from a client.
      const bad = await relay.request('node-b', actor, { id: 2, type: 'sfuJoin', data: { callID: onB } }).catch((e: unknown) => e);
      expect(isRingdeskError(bad) && bad.code).toBe('bad_request');
    } finally {
      relay.close();
    }
  });

  it('refuses a node with another secret (relay_unauthorized, close 4401), an unauthenticated frame, and an unknown node', async () => {
    const rejectedBefore = b.media.relay?.rejected ?? 0;
    const wrong = new RelayClient({ nodeId: 'node-x', secret: 'z'.repeat(64), timeoutMs: 10_000, resolve: async () => b.media.relayUrl, onPush: () => undefined, onLinkLost: () => undefined });
    const err = await wrong.request('node-b', { userId: asUserId('carol'), deviceId: asDeviceId('carol-d1'), deviceName: 'x' }, { id: 1, type: 'sfuCapabilities', data: { callID: onB } }).catch((e: unknown) => e);
    wrong.close();
    expect(err instanceof RelayError && err.code).toBe('relay_unauthorized');
    expect(b.media.relay?.rejected).toBe(rejectedBefore + 1);

    // A raw socket that skips the handshake is closed with 4401 before anything is run.
    const ws = new WebSocket(b.media.relayUrl);
    const closedWith = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', () => ws.send(JSON.stringify({ t: 'req', id: 1, actor: { userId: 'carol', deviceId: 'carol-d1', deviceName: 'x' }, req: { id: 1, type: 'sfuLeave', data: { callID: onB } } })));
    expect(await closedWith).toBe(RELAY_CLOSE.unauthorized);
    expect(b.sfu.inspect(onB)?.peers.map((p) => p.userId)).toContain('carol');

    // A node that does not report: the relay says so, and the client gets sfu_unavailable naming the reason.
    const unknown = await mediaA()
      .forward('node-nowhere', { userId: asUserId('carol'), deviceId: asDeviceId('carol-d1') }, { id: 1, type: 'sfuCapabilities', data: { callID: onB } })
      .catch((e: unknown) => e);
    expect(isRingdeskError(unknown) && unknown.code).toBe('sfu_unavailable');
    expect(isRingdeskError(unknown) && unknown.message).toMatch(/relay_unknown_node/);

    // Bad configuration stops at construction with its own code.
    const make = (nodeId: string, secret: string) => () => new ClusterMedia({ nodeId, secret, redis: redis.url, config: SfuConfigSchema.parse({}).cluster, sessions: new SessionRegistry() });
    expect(make('node-c', 'short')).toThrow(expect.objectContaining({ code: 'cluster_secret_invalid' }));
    expect(make('node c/1', SECRET)).toThrow(expect.objectContaining({ code: 'node_id_invalid' }));
  });

  it('two nodes deciding the same new call at once agree on one placement', async () => {
    const callID = asCallId(`race-${randomBytes(4).toString('hex')}`);
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? mediaA() : b.media).placement.place(callID)));
    expect(new Set(decisions.map((d) => `${d.nodeId}#${d.worker}`)).size).toBe(1);
    expect(await mediaA().placement.recorded(callID)).toEqual(decisions[0]);
  });

  it('a dead node drops out of placement when its last report expires; its members are told and rejoin on a live node', async () => {
    const c = await mediaNode('node-c', { announcedAddress: '127.0.0.3' });
    await until(async () => (await mediaA().placement.node('node-c')) !== null, undefined, 'node-c reports');
    const [frank, gina] = await Promise.all([connect(a.url, 'frank'), connect(a.url, 'gina')]);
    const callID = await callOn(frank, gina, (id) => c.media.placement.place(id, { nodeId: 'node-c', worker: 0 }));
    expect(await mediaA().placement.recorded(callID)).toEqual({ nodeId: 'node-c', worker: 0 });
    await joinIn(frank, callID);
    expect(c.sfu.inspect(callID)?.peers.map((p) => p.userId)).toEqual(['frank']);
    // Stops without withdrawing, as a crash leaves Redis: the report is there, with a TTL.
    const told = sfuPush(frank, 'sfuRoomClosed');
    await c.close(false);
    // Node A lost its link to C: frank's app hears his room is gone and will rejoin.
    expect(await told).toEqual({ callID, reason: 'workerDied' });
    const ttl = await redisPttl(MEDIA_KEYS.node('node-c'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(CLUSTER.loadTtlMs);
    await until(async () => (await mediaA().placement.node('node-c')) === null, undefined, 'node-c report expires');
    expect((await mediaA().placement.nodes()).map((n) => n.nodeId).sort()).toEqual(['node-a', 'node-b']);
    // The rejoin after the expiry moves the call to a live node, and every node agrees.
    const rejoined = await joinIn(frank, callID);
    expect(rejoined.members).toEqual([]);
    const moved = await mediaA().placement.recorded(callID);
    expect(['node-a', 'node-b']).toContain(moved?.nodeId);
    expect(await b.media.placement.place(callID)).toEqual(moved);
    const host = moved?.nodeId === 'node-a' ? a.server.services.sfu : b.sfu;
    expect(host.inspect(callID)?.peers.map((p) => p.userId)).toEqual(['frank']);
    frank.sig.close();
    gina.sig.close();
  });

  it('with Redis down a new call is placed locally (counted), and placement resumes when Redis is back', async () => {
    const fallbacks = mediaA().stats.placementFallbacks;
    await redis.kill();
    const callID = asCallId(`down-${randomBytes(4).toString('hex')}`);
    expect(await mediaA().locate(callID)).toEqual({ nodeId: null, worker: null });
    expect(mediaA().stats.placementFallbacks).toBe(fallbacks + 1);
    const metrics = await fetch(`${a.server.metricsUrl ?? ''}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^ringdesk_media_placement_fallbacks_total [1-9]/m);
    // A real call answered during the outage: every node that sees the answer makes a room of its own (the documented split).
    const [hank, ivy] = await Promise.all([connect(a.url, 'hank'), connect(a.url, 'ivy')]);
    const split = await callOn(hank, ivy, null);
    await joinIn(hank, split);
    await until(() => b.sfu.rooms.has(split), undefined, "node B's room of the split call");
    expect(a.server.services.sfu.inspect(split)?.peers.map((p) => p.userId)).toEqual(['hank']);

    await redis.start();
    const reportsA = mediaA().reporter?.reports ?? 0;
    const reportsB = b.media.reporter?.reports ?? 0;
    await until(() => (mediaA().reporter?.reports ?? 0) > reportsA && (b.media.reporter?.reports ?? 0) > reportsB, undefined, 'reports after the restart');
    await mediaA().locate(callID);
    expect(await mediaA().placement.recorded(callID)).not.toBeNull();
    // Node B claims the split call first (it has a room); A's room loses and hank is told to rejoin.
    expect(await b.media.locate(split)).toEqual({ nodeId: null, worker: 0 });
    const told = sfuPush(hank, 'sfuRoomClosed');
    expect(await mediaA().locate(split)).toEqual({ nodeId: 'node-b' });
    expect(await told).toEqual({ callID: split, reason: 'serverRestart' });
    await joinIn(hank, split);
    expect(b.sfu.inspect(split)?.peers.map((p) => p.userId)).toEqual(['hank']);
    expect(mediaA().stats.placementFallbacks).toBeGreaterThan(fallbacks);
    hank.sig.close();
    ivy.sig.close();
  });
});

async function redisPttl(key: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const r = new Redis(redis.url);
  try {
    return await r.pttl(key);
  } finally {
    r.disconnect();
  }
}
