// Pre-warm on the callee's side, against a real server and worker: while the call rings an
// invitee's device may join, create transports and produce, but its producers are held paused and
// hidden, and it may consume nothing; answering on that device shows them to the room. Both ways:
// what a ringing device may do, and what it may not.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asDeviceId, type CallId } from '../../src/shared/protocol/index.ts';
import { cleanupSockets } from './badInput.raw.ts';
import { connect, once, startTestServer, type TestClient, type TestServer } from './harness.ts';
import { codeOf, DTLS, join, joinAndSend, opus, req, requireWorker, sfuPush, vp8Simulcast } from './sfuKit.ts';

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let callID: CallId;
let a: { transportId: string; mic: string; camera: string };

beforeAll(async () => {
  requireWorker();
  t = await startTestServer(['alice', 'bob', 'carol']);
});
afterAll(async () => {
  cleanupSockets();
  await t.close();
});
beforeEach(async () => {
  alice = await connect(t.url, 'alice');
  bob = await connect(t.url, 'bob');
  const ringing = once(bob.calls, 'callInvitationReceived');
  ({ call: { callID } } = await alice.calls.callInvite([bob.userId], { mode: 'normal' }));
  await ringing;
  // The caller is Accepted as the inviter: she joins and sends at once (her own pre-warm).
  a = await joinAndSend(alice, callID);
});
afterEach(async () => {
  // Ended already when bob declined; else end it, so the next test's call is not "already in a call".
  await alice.calls.callEnd(callID).catch(() => undefined);
  await alice.sig.close();
  await bob.sig.close();
});

/** Bob pre-warms as the app does while it rings: join, send transport, mic and camera. */
async function prewarm(c: TestClient): Promise<{ transportId: string; mic: string; camera: string }> {
  const joined = await join(c, callID);
  expect(joined.producers.map((p) => p.producerId).sort()).toEqual([a.mic, a.camera].sort()); // what answering will consume
  const { transportId } = await req(c, 'sfuCreateTransport', { callID, direction: 'send' });
  await req(c, 'sfuConnectTransport', { callID, transportId, dtlsParameters: DTLS });
  const mic = await req(c, 'sfuProduce', { callID, transportId, kind: 'audio', source: 'mic', rtpParameters: opus('0'), paused: false });
  const camera = await req(c, 'sfuProduce', { callID, transportId, kind: 'video', source: 'camera', rtpParameters: vp8Simulcast('1') });
  return { transportId, mic: mic.producerId, camera: camera.producerId };
}

const snapshot = () => t.server.services.sfu.inspect(callID);

describe('pre-warm while ringing: what a ringing device may do', () => {
  it('join, transports both ways, and producers, which the server holds PAUSED whatever was asked', async () => {
    const b = await prewarm(bob);
    await expect(req(bob, 'sfuCreateTransport', { callID, direction: 'recv' })).resolves.toMatchObject({ transportId: expect.any(String) });
    const pending = snapshot()?.pending.find((p) => p.userId === 'bob');
    expect(pending?.producers.sort()).toEqual([b.mic, b.camera].sort());
    expect(pending?.transports).toHaveLength(2);
    const room = t.server.services.sfu.rooms.get(callID);
    const held = room?.pendingPeer(bob.userId, asDeviceId('bob-d1'))?.producers.get(b.mic)?.producer;
    expect(held?.paused).toBe(true);
    // Not in the room as a member yet.
    expect(snapshot()?.peers.map((p) => p.userId)).toEqual(['alice']);
  });

  it('answering on that device: the room hears of bob and his producers, and both sides may consume', async () => {
    const b = await prewarm(bob);
    const joined = sfuPush(alice, 'sfuMemberJoined');
    const newProducers: string[] = [];
    const offPush = alice.calls.on('sfu', (p) => {
      if (p.type === 'sfuNewProducer') newProducers.push(p.data.producer.producerId);
    });
    await bob.calls.callAccept(callID);
    await expect(joined).resolves.toMatchObject({ member: { userId: 'bob' } });
    // Answering resumes what was prepared: no new transport or producer is needed.
    await req(bob, 'sfuResumeProducer', { callID, producerId: b.mic });
    await req(bob, 'sfuCreateTransport', { callID, direction: 'recv' });
    await expect(req(bob, 'sfuConsume', { callID, producerId: a.camera })).resolves.toMatchObject({ producerId: a.camera });
    offPush();
    expect(newProducers.sort()).toEqual([b.mic, b.camera].sort());
    expect(snapshot()?.pending).toEqual([]);
  });
});

describe('pre-warm while ringing: what a ringing device may not do', () => {
  it('consume, resume its producers, or ask for layers: media_forbidden', async () => {
    const b = await prewarm(bob);
    await req(bob, 'sfuCreateTransport', { callID, direction: 'recv' });
    expect(await codeOf(bob, 'sfuConsume', { callID, producerId: a.camera })).toBe('media_forbidden');
    expect(await codeOf(bob, 'sfuResumeProducer', { callID, producerId: b.mic })).toBe('media_forbidden');
    expect(await codeOf(bob, 'sfuResumeConsumer', { callID, consumerId: 'c1' })).toBe('media_forbidden');
    expect(await codeOf(bob, 'sfuSetPreferredLayers', { callID, consumerId: 'c1', spatialLayer: 0 })).toBe('media_forbidden');
  });

  it('nobody can consume or see a ringing device’s producers before the answer', async () => {
    let heard = 0;
    const off = alice.calls.on('sfu', (p) => {
      if (p.type === 'sfuNewProducer' || p.type === 'sfuMemberJoined') heard++;
    });
    const b = await prewarm(bob);
    expect(await codeOf(alice, 'sfuConsume', { callID, producerId: b.camera })).toBe('media_not_found');
    expect(await codeOf(alice, 'sfuConsume', { callID, producerId: b.mic })).toBe('media_not_found');
    off();
    expect(heard).toBe(0);
  });

  it('declined: the pre-warmed device is put out, its transports closed, and it may not come back', async () => {
    await prewarm(bob);
    const room = t.server.services.sfu.rooms.get(callID);
    const transports = [...(room?.pendingPeer(bob.userId, asDeviceId('bob-d1'))?.transports.values() ?? [])].map((e) => e.transport);
    const out = sfuPush(bob, 'sfuRoomClosed');
    await bob.calls.callReject(callID);
    await expect(out).resolves.toMatchObject({ reason: 'ended' });
    expect(transports.every((tr) => tr.closed)).toBe(true);
    expect(await codeOf(bob, 'sfuJoin', { callID, rtpCapabilities: {} })).not.toBe('ok');
  });

  it('someone not invited may not pre-warm', async () => {
    const carol = await connect(t.url, 'carol');
    expect(await codeOf(carol, 'sfuJoin', { callID, rtpCapabilities: {} })).toBe('media_forbidden');
    expect(await codeOf(carol, 'sfuCreateTransport', { callID, direction: 'send' })).toBe('media_forbidden');
    await carol.sig.close();
  });

  it('answered on another device: the one that pre-warmed is put out as moved', async () => {
    const bob2 = await connect(t.url, 'bob', 'bob-d2');
    await prewarm(bob);
    const out = sfuPush(bob, 'sfuRoomClosed');
    await bob2.calls.callAccept(callID);
    await expect(out).resolves.toMatchObject({ reason: 'moved' });
    expect(snapshot()?.pending).toEqual([]);
    await bob2.sig.close();
  });
});
