// Pre-warm on both sides, against a real server and worker: while the call rings an invitee's
// device may join, create transports, produce and consume, and the members may consume its
// producers, but the server holds all of it paused; answering on that device runs what it asked
// for, with no further request. Both ways: what a ringing device may do, and what it may not.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asDeviceId, type CallId } from '../../src/shared/protocol/index.ts';
import { cleanupSockets } from './badInput.raw.ts';
import { encodeCallMeta } from '../../src/shared/ipc/callMeta.ts';
import { connect, once, startTestServer, until, type TestClient, type TestServer } from './harness.ts';
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

/** Bob pre-warms as the app does while it rings: join, send transport, mic and camera (sent unpaused: "run once answered"). */
async function prewarm(c: TestClient): Promise<{ transportId: string; mic: string; camera: string }> {
  const joined = await join(c, callID);
  expect(joined.producers.map((p) => p.producerId).sort()).toEqual([a.mic, a.camera].sort()); // what it consumes ahead
  const { transportId } = await req(c, 'sfuCreateTransport', { callID, direction: 'send' });
  await req(c, 'sfuConnectTransport', { callID, transportId, dtlsParameters: DTLS });
  const mic = await req(c, 'sfuProduce', { callID, transportId, kind: 'audio', source: 'mic', rtpParameters: opus('0'), paused: false });
  const camera = await req(c, 'sfuProduce', { callID, transportId, kind: 'video', source: 'camera', rtpParameters: vp8Simulcast('1'), paused: true });
  return { transportId, mic: mic.producerId, camera: camera.producerId };
}

const snapshot = () => t.server.services.sfu.inspect(callID);
const room = () => t.server.services.sfu.rooms.get(callID);
const bobsPeer = () => room()?.pendingPeer(bob.userId, asDeviceId('bob-d1')) ?? room()?.peer(bob.userId, asDeviceId('bob-d1'));
const producerOf = (id: string) => bobsPeer()?.producers.get(id)?.producer;

describe('pre-warm while ringing: what a ringing device may do', () => {
  it('join, transports both ways, producers and consumers, all of which the server holds PAUSED whatever was asked', async () => {
    const b = await prewarm(bob);
    await req(bob, 'sfuCreateTransport', { callID, direction: 'recv' });
    const pending = snapshot()?.pending.find((p) => p.userId === 'bob');
    expect(pending?.producers.sort()).toEqual([b.mic, b.camera].sort());
    expect(pending?.transports).toHaveLength(2);
    expect(producerOf(b.mic)?.paused).toBe(true);
    // Consuming ahead: the consumer exists, and asking to resume it (or the mic) waits for the answer.
    const c = await req(bob, 'sfuConsume', { callID, producerId: a.camera });
    await req(bob, 'sfuResumeConsumer', { callID, consumerId: c.consumerId });
    await req(bob, 'sfuResumeProducer', { callID, producerId: b.mic });
    expect(bobsPeer()?.consumers.get(c.consumerId)?.paused).toBe(true);
    expect(producerOf(b.mic)?.paused).toBe(true);
    // Not in the room as a member yet.
    expect(snapshot()?.peers.map((p) => p.userId)).toEqual(['alice']);
  });

  it('the members hear of its producers (paused) and may consume them ahead; nothing is forwarded before the answer', async () => {
    const heard: string[] = [];
    const off = alice.calls.on('sfu', (p) => {
      if (p.type === 'sfuNewProducer' && p.data.producer.paused) heard.push(p.data.producer.producerId);
      if (p.type === 'sfuMemberJoined') heard.push('memberJoined');
    });
    const b = await prewarm(bob);
    await req(alice, 'sfuCreateTransport', { callID, direction: 'recv' });
    const c = await req(alice, 'sfuConsume', { callID, producerId: b.camera });
    expect(c.producerPaused).toBe(true);
    await req(alice, 'sfuResumeConsumer', { callID, consumerId: c.consumerId });
    const consumer = room()?.peer(alice.userId, asDeviceId('alice-d1'))?.consumers.get(c.consumerId);
    expect(consumer?.producerPaused).toBe(true); // resumed by alice, but the producer is held
    off();
    expect(heard.sort()).toEqual([b.mic, b.camera].sort()); // and not that bob is in the room
  });

  it('answering on that device runs what it asked for with no further request: its consumers and its unpaused producers', async () => {
    const b = await prewarm(bob);
    await req(bob, 'sfuCreateTransport', { callID, direction: 'recv' });
    const c = await req(bob, 'sfuConsume', { callID, producerId: a.camera });
    await req(bob, 'sfuResumeConsumer', { callID, consumerId: c.consumerId });
    const joined = sfuPush(alice, 'sfuMemberJoined');
    const resumed = sfuPush(alice, 'sfuProducerResumed');
    await bob.calls.callAccept(callID);
    await expect(joined).resolves.toMatchObject({ member: { userId: 'bob' } });
    await expect(resumed).resolves.toMatchObject({ producerId: b.mic });
    expect(producerOf(b.mic)?.paused).toBe(false);
    expect(producerOf(b.camera)?.paused).toBe(true); // produced paused: it waits for its own resume
    // The consumer's resume is its own worker request, answered after the producer's push on a busy machine.
    await until(() => bobsPeer()?.consumers.get(c.consumerId)?.paused === false, undefined, "bob's consumer resumed on the answer");
    expect(snapshot()?.pending).toEqual([]);
  });

  for (const answer of ['video', 'audio'] as const) {
    it(`a camera asked unpaused while ringing ${answer === 'video' ? 'starts on a video answer, with the mic' : 'never starts on an audio answer: only the mic does'}`, async () => {
      const joined = await join(bob, callID);
      expect(joined.answerStartsMedia).toBe(true); // told only to a ringing device
      const { transportId } = await req(bob, 'sfuCreateTransport', { callID, direction: 'send' });
      await req(bob, 'sfuConnectTransport', { callID, transportId, dtlsParameters: DTLS });
      const mic = await req(bob, 'sfuProduce', { callID, transportId, kind: 'audio', source: 'mic', rtpParameters: opus('0'), paused: false });
      const camera = await req(bob, 'sfuProduce', { callID, transportId, kind: 'video', source: 'camera', rtpParameters: vp8Simulcast('1'), paused: false });
      expect(producerOf(camera.producerId)?.paused).toBe(true); // held while ringing
      const member = sfuPush(alice, 'sfuMemberJoined');
      await bob.calls.callAccept(callID, encodeCallMeta({ media: answer }));
      await member;
      await until(() => producerOf(mic.producerId)?.paused === false, undefined, 'the mic started on the answer');
      expect(producerOf(camera.producerId)?.paused).toBe(answer !== 'video');
    });
  }

  it('a resume asked for while ringing and taken back (pause) does not run on answering', async () => {
    const b = await prewarm(bob);
    await req(bob, 'sfuPauseProducer', { callID, producerId: b.mic });
    const joined = sfuPush(alice, 'sfuMemberJoined');
    await bob.calls.callAccept(callID);
    await joined;
    expect(producerOf(b.mic)?.paused).toBe(true);
  });
});

describe('pre-warm while ringing: what a ringing device may not do', () => {
  it('ask for layers: media_forbidden', async () => {
    await prewarm(bob);
    await req(bob, 'sfuCreateTransport', { callID, direction: 'recv' });
    const c = await req(bob, 'sfuConsume', { callID, producerId: a.camera });
    expect(await codeOf(bob, 'sfuSetPreferredLayers', { callID, consumerId: c.consumerId, spatialLayer: 0 })).toBe('media_forbidden');
  });

  it('declined: the pre-warmed device is put out, its transports closed, and it may not come back', async () => {
    await prewarm(bob);
    const transports = [...(bobsPeer()?.transports.values() ?? [])].map((e) => e.transport);
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

  it('answered on another device: the one that pre-warmed is put out as moved, and the members hear its producers closed', async () => {
    const bob2 = await connect(t.url, 'bob', 'bob-d2');
    const b = await prewarm(bob);
    const closed: string[] = [];
    const off = alice.calls.on('sfu', (p) => {
      if (p.type === 'sfuProducerClosed') closed.push(p.data.producerId);
    });
    const out = sfuPush(bob, 'sfuRoomClosed');
    await bob2.calls.callAccept(callID);
    await expect(out).resolves.toMatchObject({ reason: 'moved' });
    expect(snapshot()?.pending).toEqual([]);
    // Alice was told of its producers while it rang, so she hears them go.
    await expect.poll(() => [...closed].sort()).toEqual([b.mic, b.camera].sort());
    off();
    await bob2.sig.close();
  });
});
