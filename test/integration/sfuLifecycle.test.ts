// The room's life against a real server and a real mediasoup worker: created at the first accept,
// joined, produced into and consumed from, and closed by quit, leave and end. Server state is read
// through services.sfu, not from what clients were told.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { connect, once, startTestServer, until, type TestServer } from './harness.ts';
import { acceptedCall, codeOf, DTLS, join, joinAndSend, opus, req, requireWorker, sfuPush } from './sfuKit.ts';

let t: TestServer | null = null;
beforeAll(() => void requireWorker());
afterEach(async () => {
  await t?.close();
  t = null;
});
const srv = (): TestServer => {
  if (!t) throw new Error('no server');
  return t;
};

describe('SFU room lifecycle', () => {
  it('a room appears at the first accept, not while ringing; join returns capabilities, members and producers', async () => {
    t = await startTestServer(['alice', 'bob']);
    const sfu = t.server.services.sfu;
    const alice = await connect(t.url, 'alice');
    const bob = await connect(t.url, 'bob');
    const ringing = once(bob.calls, 'callInvitationReceived');
    const { call } = await alice.calls.callInvite([bob.userId]);
    await ringing;
    const callID = call.callID;
    // A ringing invitee may pre-warm with the capabilities, but there is no room yet.
    const caps = await req(bob, 'sfuCapabilities', { callID });
    expect(caps.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    expect(sfu.rooms.has(callID)).toBe(false);

    await bob.calls.callAccept(callID);
    await until(() => sfu.rooms.has(callID), undefined, 'room created at accept');
    expect(sfu.inspect(callID)).toMatchObject({ routerClosed: false, peers: [] });

    const a = await joinAndSend(alice, callID);
    const seen = sfuPush(alice, 'sfuMemberJoined');
    const joined = await join(bob, callID);
    expect(joined.members).toEqual([{ userId: 'alice', deviceId: 'alice-d1', deviceName: "alice's alice-d1" }]);
    expect(joined.producers.map((p) => [p.producerId, p.source, p.kind, p.paused])).toEqual([
      [a.mic, 'mic', 'audio', false],
      [a.camera, 'camera', 'video', false],
    ]);
    expect((await seen).member.userId).toBe('bob');
    expect(sfu.inspect(callID)?.peers.map((p) => [p.userId, p.producers.length])).toEqual([
      ['alice', 2],
      ['bob', 0],
    ]);
  });

  it('produce, consume paused then resume, pause/resume/close pushes, layers, stats', async () => {
    t = await startTestServer(['alice', 'bob']);
    const sfu = t.server.services.sfu;
    const { alice, bob, callID } = await acceptedCall(t, 'normal');
    await join(bob, callID);
    const newProducers: string[] = [];
    const off = bob.calls.on('sfu', (p) => {
      if (p.type === 'sfuNewProducer') newProducers.push(p.data.producer.source);
    });
    const a = await joinAndSend(alice, callID);
    await until(() => newProducers.length === 2, undefined, 'sfuNewProducer twice');
    off();
    expect(newProducers).toEqual(['mic', 'camera']);

    const recv = await req(bob, 'sfuCreateTransport', { callID, direction: 'recv' });
    expect(recv.iceCandidates.map((c) => [c.address, c.protocol])).toEqual(
      expect.arrayContaining([
        ['127.0.0.1', 'udp'],
        ['127.0.0.1', 'tcp'],
      ]),
    );
    await req(bob, 'sfuConnectTransport', { callID, transportId: recv.transportId, dtlsParameters: DTLS });
    const cam = await req(bob, 'sfuConsume', { callID, producerId: a.camera });
    expect(cam).toMatchObject({ producerId: a.camera, kind: 'video', userId: 'alice', source: 'camera', producerPaused: false });
    const room = sfu.rooms.get(callID);
    const consumer = room?.peers.get(asUserId('bob'))?.consumers.get(cam.consumerId);
    expect(consumer?.paused).toBe(true);
    expect(consumer?.type).toBe('simulcast');
    await req(bob, 'sfuResumeConsumer', { callID, consumerId: cam.consumerId });
    expect(consumer?.paused).toBe(false);
    await req(bob, 'sfuSetPreferredLayers', { callID, consumerId: cam.consumerId, spatialLayer: 0, temporalLayer: 1 });
    expect(consumer?.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 1 });

    const paused = sfuPush(bob, 'sfuProducerPaused');
    await req(alice, 'sfuPauseProducer', { callID, producerId: a.camera });
    expect((await paused).producerId).toBe(a.camera);
    expect(room?.peers.get(asUserId('alice'))?.producers.get(a.camera)?.producer.paused).toBe(true);
    const resumed = sfuPush(bob, 'sfuProducerResumed');
    await req(alice, 'sfuResumeProducer', { callID, producerId: a.camera });
    expect((await resumed).producerId).toBe(a.camera);

    const stats = await req(bob, 'sfuGetStats', { callID, id: recv.transportId });
    expect(stats.stats[0]).toMatchObject({ type: 'webrtc-transport', transportId: recv.transportId });

    const closed = sfuPush(bob, 'sfuProducerClosed');
    const consumerClosed = sfuPush(bob, 'sfuConsumerClosed');
    await req(alice, 'sfuCloseProducer', { callID, producerId: a.camera });
    expect((await closed).producerId).toBe(a.camera);
    expect((await consumerClosed).consumerId).toBe(cam.consumerId);
    expect(consumer?.closed).toBe(true);
    expect(sfu.inspect(callID)?.peers.find((p) => p.userId === 'bob')?.consumers).toEqual([]);
  });

  it('join and transports sent together are answered in order; one member’s requests do not wait behind another’s', async () => {
    t = await startTestServer(['alice', 'bob']);
    const { alice, bob, callID } = await acceptedCall(t, 'advanced');
    const { rtpCapabilities } = await req(alice, 'sfuCapabilities', { callID });
    // Sent back to back, as RoomClient does: the transports must still find the member joined.
    const [joined, send, recv] = await Promise.all([
      req(alice, 'sfuJoin', { callID, rtpCapabilities }),
      req(alice, 'sfuCreateTransport', { callID, direction: 'send' }),
      req(alice, 'sfuCreateTransport', { callID, direction: 'recv' }),
    ]);
    expect(joined.members).toEqual([]);
    expect(send.transportId).not.toBe(recv.transportId);
    // Bob's join and Alice's produce interleave freely; both land.
    const [bobJoined, produced] = await Promise.all([
      req(bob, 'sfuJoin', { callID, rtpCapabilities }),
      req(alice, 'sfuProduce', { callID, transportId: send.transportId, kind: 'audio', rtpParameters: opus('0'), source: 'mic' }),
    ]);
    // Bob either saw the producer in his join result or is told by a push; it exists either way.
    expect(t.server.services.sfu.inspect(callID)?.peers.find((p) => p.userId === 'alice')?.producers).toEqual([produced.producerId]);
    expect(bobJoined.producers.every((p) => p.producerId === produced.producerId)).toBe(true);
  });

  it('quit closes that member’s transports at once; the last member leaving closes the router', async () => {
    t = await startTestServer(['alice', 'bob']);
    const sfu = t.server.services.sfu;
    const { alice, bob, callID } = await acceptedCall(t, 'advanced');
    await joinAndSend(alice, callID);
    const b = await joinAndSend(bob, callID);
    const room = sfu.rooms.get(callID);
    const bobPeer = room?.peers.get(asUserId('bob'));
    const bobTransport = bobPeer?.transports.get(b.transportId)?.transport as types.WebRtcTransport; // looked up just above
    expect(bobTransport.closed).toBe(false);

    const out = sfuPush(bob, 'sfuRoomClosed');
    const left = sfuPush(alice, 'sfuMemberLeft');
    const gone = sfuPush(alice, 'sfuProducerClosed');
    await bob.calls.callQuit(callID);
    expect((await out).reason).toBe('ended');
    expect(await left).toMatchObject({ userId: 'bob' });
    await gone;
    expect(bobTransport.closed).toBe(true);
    expect(sfu.inspect(callID)?.peers.map((p) => p.userId)).toEqual(['alice']);
    expect(await codeOf(bob, 'sfuConsume', { callID, producerId: b.camera })).toBe('media_forbidden');

    // alice is still in the (started) call, but the room empties: its router goes.
    const router = room?.router;
    await req(alice, 'sfuLeave', { callID });
    expect(router?.closed).toBe(true);
    expect(sfu.rooms.has(callID)).toBe(false);
    expect(srv().server.services.calls.startedCall(callID)).toBeDefined();
    // Joining again makes a new room.
    await join(alice, callID);
    expect(sfu.rooms.get(callID)?.router.closed).toBe(false);
  });

  it('callEnd closes the router and every transport, and tells every device', async () => {
    t = await startTestServer(['alice', 'bob']);
    const sfu = t.server.services.sfu;
    const { alice, bob, callID } = await acceptedCall(t, 'normal');
    const a = await joinAndSend(alice, callID);
    await joinAndSend(bob, callID);
    const room = sfu.rooms.get(callID);
    const aliceTransport = room?.peers.get(asUserId('alice'))?.transports.get(a.transportId)?.transport;
    const toAlice = sfuPush(alice, 'sfuRoomClosed');
    const toBob = sfuPush(bob, 'sfuRoomClosed');
    await bob.calls.callEnd(callID);
    expect([(await toAlice).reason, (await toBob).reason]).toEqual(['ended', 'ended']);
    await until(() => !sfu.rooms.has(callID), undefined, 'room gone');
    expect(room?.router.closed).toBe(true);
    expect(aliceTransport?.closed).toBe(true);
    expect(await codeOf(alice, 'sfuJoin', { callID, rtpCapabilities: {} })).toBe('call_ended');
  });

  it('an advanced call made with nobody in it gets its room at once (create a room, then call into it)', async () => {
    t = await startTestServer(['alice', 'bob']);
    const alice = await connect(t.url, 'alice');
    const { call } = await alice.calls.callInvite([], { mode: 'advanced' });
    await until(() => srv().server.services.sfu.rooms.has(call.callID), undefined, 'room for an empty advanced call');
    await expect(join(alice, call.callID)).resolves.toMatchObject({ members: [], producers: [] });
  });

  it('callJoin from another device moves the member: the old device is put out with reason moved', async () => {
    t = await startTestServer(['alice', 'bob']);
    const sfu = t.server.services.sfu;
    const { alice, bob, callID } = await acceptedCall(t, 'advanced');
    await join(alice, callID);
    await joinAndSend(bob, callID);
    const bob2 = await connect(srv().url, 'bob', 'bob-d2');
    expect(await codeOf(bob2, 'sfuJoin', { callID, rtpCapabilities: {} })).toBe('media_forbidden');
    const moved = sfuPush(bob, 'sfuRoomClosed');
    await bob2.calls.callJoin(callID);
    expect((await moved).reason).toBe('moved');
    expect(sfu.inspect(callID)?.peers.map((p) => p.userId)).toEqual(['alice']);
    expect(await codeOf(bob, 'sfuCreateTransport', { callID, direction: 'send' })).toBe('media_forbidden');
    await join(bob2, callID);
    expect(sfu.inspect(callID)?.peers.map((p) => `${p.userId}/${p.deviceId}`)).toEqual(['alice/alice-d1', 'bob/bob-d2']);
    void alice;
  });

  it('a worker that dies closes its rooms (workerDied), is replaced, and the members can rejoin', async () => {
    t = await startTestServer(['alice', 'bob']);
    const sfu = t.server.services.sfu;
    const { alice, bob, callID } = await acceptedCall(t, 'normal');
    await join(alice, callID);
    await join(bob, callID);
    const pid = sfu.pool?.workers[0]?.worker.pid ?? 0;
    const told = sfuPush(alice, 'sfuRoomClosed');
    process.kill(pid, 'SIGKILL');
    expect((await told).reason).toBe('workerDied');
    expect(sfu.rooms.has(callID)).toBe(false);
    await until(() => (sfu.pool?.workers[0]?.worker.pid ?? pid) !== pid, undefined, 'a replacement worker');
    await expect(join(bob, callID)).resolves.toMatchObject({ members: [] });
  });
});
