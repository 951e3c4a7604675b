// The SFU's authorization matrix and bad input, against a real server and worker: every attempt is
// refused with its code, and after each one the server and the worker still answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asUserId, SFU_LIMITS, type CallId } from '../../src/shared/protocol/index.ts';
import { cleanupSockets, errorOf, RawClient } from './badInput.raw.ts';
import { connect, startTestServer, type TestClient, type TestServer } from './harness.ts';
import { acceptedCall, codeOf, DTLS, expectAlive, join, joinAndSend, opus, req, requireWorker, vp8Simulcast } from './sfuKit.ts';

let t: TestServer;
let alice: TestClient;
let bob: TestClient;
let carol: TestClient;
let callID: CallId;
/** alice's send transport and producers in the alice–bob call. */
let a: { transportId: string; mic: string; camera: string };

beforeAll(async () => {
  requireWorker();
  t = await startTestServer(['alice', 'bob', 'carol', 'dave']);
  ({ alice, bob, callID } = await acceptedCall(t, 'advanced'));
  carol = await connect(t.url, 'carol');
  a = await joinAndSend(alice, callID);
});
afterAll(async () => {
  cleanupSockets();
  await t.close();
});
afterEach(async () => {
  // Every refusal leaves the server, the worker and alice's media as they were.
  await expectAlive(t, alice);
  expect(t.server.services.sfu.inspect(callID)?.peers.find((p) => p.userId === 'alice')?.producers).toEqual(expect.arrayContaining([a.mic]));
});

describe('who may use a room', () => {
  it('sfu* before sign-in: unauthenticated, and the socket is closed', async () => {
    const raw = await RawClient.open(t.url);
    const r = await raw.request('sfuJoin', { callID, rtpCapabilities: {} });
    expect(errorOf(r)?.code).toBe('unauthenticated');
    expect((await raw.closeWithin()).code).toBe(4401);
  });

  it('an invitee still ringing may pre-warm (join, transports) but not ask for layers nor touch another room\'s producers (sfuPrewarm.test.ts has the rest)', async () => {
    const ringing = await connect(t.url, 'dave');
    const { call } = await carol.calls.callInvite([ringing.userId]);
    await expect(req(ringing, 'sfuCapabilities', { callID: call.callID })).resolves.toMatchObject({ rtpCapabilities: {} });
    await join(ringing, call.callID);
    await expect(req(ringing, 'sfuCreateTransport', { callID: call.callID, direction: 'send' })).resolves.toMatchObject({ transportId: expect.any(String) });
    // a.camera is in another call's room.
    expect(await codeOf(ringing, 'sfuConsume', { callID: call.callID, producerId: a.camera })).toBe('media_not_found');
    expect(await codeOf(ringing, 'sfuResumeProducer', { callID: call.callID, producerId: a.camera })).toBe('media_not_found');
    expect(await codeOf(ringing, 'sfuSetPreferredLayers', { callID: call.callID, consumerId: 'c1', spatialLayer: 0 })).toBe('media_forbidden');
    await carol.calls.callCancel(call.callID);
    await ringing.sig.close();
  });

  it('someone outside the call may not read, join, or produce into its room, even with a real transport id', async () => {
    expect(await codeOf(carol, 'sfuCapabilities', { callID })).toBe('media_forbidden');
    expect(await codeOf(carol, 'sfuJoin', { callID, rtpCapabilities: {} })).toBe('media_forbidden');
    expect(await codeOf(carol, 'sfuProduce', { callID, transportId: a.transportId, kind: 'audio', source: 'mic', rtpParameters: opus('9') })).toBe('media_forbidden');
    expect(await codeOf(carol, 'sfuConsume', { callID, producerId: a.camera })).toBe('media_forbidden');
    expect(await codeOf(carol, 'sfuGetStats', { callID, id: a.transportId })).toBe('media_forbidden');
  });

  it('unknown and ended calls', async () => {
    expect(await codeOf(bob, 'sfuJoin', { callID: 'no-such-call' as CallId, rtpCapabilities: {} })).toBe('call_not_found'); // a syntactically valid id nobody made
  });

  it('a member on a device that is not the main device may not join', async () => {
    const bob2 = await connect(t.url, 'bob', 'bob-d2');
    expect(await codeOf(bob2, 'sfuJoin', { callID, rtpCapabilities: {} })).toBe('media_forbidden');
    await bob2.sig.close();
  });

  it('before sfuJoin, an Accepted member may do nothing but join', async () => {
    expect(await codeOf(bob, 'sfuCreateTransport', { callID, direction: 'recv' })).toBe('media_forbidden');
    expect(await codeOf(bob, 'sfuConsume', { callID, producerId: a.camera })).toBe('media_forbidden');
  });

  it("another member's transport, producer and stats ids are not found", async () => {
    await join(bob, callID);
    expect(await codeOf(bob, 'sfuProduce', { callID, transportId: a.transportId, kind: 'audio', source: 'mic', rtpParameters: opus('9') })).toBe('media_not_found');
    expect(await codeOf(bob, 'sfuConnectTransport', { callID, transportId: a.transportId, dtlsParameters: DTLS })).toBe('media_not_found');
    expect(await codeOf(bob, 'sfuRestartIce', { callID, transportId: a.transportId })).toBe('media_not_found');
    expect(await codeOf(bob, 'sfuPauseProducer', { callID, producerId: a.camera })).toBe('media_not_found');
    expect(await codeOf(bob, 'sfuCloseProducer', { callID, producerId: a.mic })).toBe('media_not_found');
    expect(await codeOf(bob, 'sfuGetStats', { callID, id: a.camera })).toBe('media_not_found');
    expect(await codeOf(bob, 'sfuResumeConsumer', { callID, consumerId: 'nope' })).toBe('media_not_found');
    // Consuming needs a recv transport first.
    expect(await codeOf(bob, 'sfuConsume', { callID, producerId: a.camera })).toBe('media_not_found');
  });

  it('consume after quit is refused, and quit took the device out of the room', async () => {
    const dave = await connect(t.url, 'dave');
    const joinedCall = await dave.calls.callInvite([carol.userId], { mode: 'advanced' });
    const id = joinedCall.call.callID;
    await carol.calls.callAccept(id);
    const d = await joinAndSend(dave, id);
    await join(carol, id);
    const { transportId } = await req(carol, 'sfuCreateTransport', { callID: id, direction: 'recv' });
    await carol.calls.callQuit(id);
    expect(await codeOf(carol, 'sfuConsume', { callID: id, producerId: d.camera })).toBe('media_forbidden');
    expect(await codeOf(carol, 'sfuJoin', { callID: id, rtpCapabilities: {} })).toBe('media_forbidden');
    expect(t.server.services.sfu.inspect(id)?.peers.flatMap((p) => p.transports)).not.toContain(transportId);
    await dave.calls.callEnd(id);
  });
});

describe('limits and bad input', () => {
  it(`more than ${SFU_LIMITS.maxTransportsPerMember} transports: media_limit`, async () => {
    const carolCall = await setUpPair();
    for (let i = 0; i < SFU_LIMITS.maxTransportsPerMember; i++) await req(carolCall.c, 'sfuCreateTransport', { callID: carolCall.id, direction: 'recv' });
    expect(await codeOf(carolCall.c, 'sfuCreateTransport', { callID: carolCall.id, direction: 'recv' })).toBe('media_limit');
    await carolCall.end();
  });

  it(`more than ${SFU_LIMITS.maxProducersPerMember} producers: media_limit`, async () => {
    const p = await setUpPair();
    const { transportId } = await req(p.c, 'sfuCreateTransport', { callID: p.id, direction: 'send' });
    for (let i = 0; i < SFU_LIMITS.maxProducersPerMember; i++) {
      await req(p.c, 'sfuProduce', { callID: p.id, transportId, kind: 'audio', source: 'mic', rtpParameters: opus(String(i)) });
    }
    expect(await codeOf(p.c, 'sfuProduce', { callID: p.id, transportId, kind: 'audio', source: 'mic', rtpParameters: opus('99') })).toBe('media_limit');
    expect(t.server.services.sfu.inspect(p.id)?.peers.find((x) => x.userId === 'carol')?.producers).toHaveLength(SFU_LIMITS.maxProducersPerMember);
    await p.end();
  });

  it(`the ringing devices of a call produce at most ${SFU_LIMITS.maxRingingProducersPerRoom} tracks together: media_limit past that`, async () => {
    // dave rings on many devices, each pre-warming with as many producers as a member may have.
    const full = SFU_LIMITS.maxRingingProducersPerRoom / SFU_LIMITS.maxProducersPerMember;
    const devices: TestClient[] = [];
    for (let i = 0; i <= full; i++) devices.push(await connect(t.url, 'dave', `dave-ring${i}`));
    const { call } = await carol.calls.callInvite([asUserId('dave')]);
    const transports: string[] = [];
    for (const d of devices) {
      await join(d, call.callID);
      transports.push((await req(d, 'sfuCreateTransport', { callID: call.callID, direction: 'send' })).transportId);
    }
    for (let i = 0; i < full; i++) {
      const d = devices[i] as TestClient; // i < full < devices.length
      for (let k = 0; k < SFU_LIMITS.maxProducersPerMember; k++) {
        await req(d, 'sfuProduce', { callID: call.callID, transportId: transports[i] ?? '', kind: 'audio', source: 'mic', rtpParameters: opus(String(k)) });
      }
    }
    const last = devices[full] as TestClient;
    expect(await codeOf(last, 'sfuProduce', { callID: call.callID, transportId: transports[full] ?? '', kind: 'audio', source: 'mic', rtpParameters: opus('0') })).toBe('media_limit');
    // What a member joining now is told stays within the protocol's bound (its schema is checked on the way in).
    const joined = await join(carol, call.callID);
    expect(joined.producers).toHaveLength(SFU_LIMITS.maxRingingProducersPerRoom);
    await carol.calls.callCancel(call.callID);
    for (const d of devices) await d.sig.close();
  });

  it('schema-valid RTP parameters mediasoup rejects: media_rejected', async () => {
    const { transportId } = await req(alice, 'sfuCreateTransport', { callID, direction: 'send' });
    const unknownCodec = { ...opus('7'), codecs: [{ mimeType: 'audio/G7221', payloadType: 120, clockRate: 16000 }] };
    expect(await codeOf(alice, 'sfuProduce', { callID, transportId, kind: 'audio', source: 'mic', rtpParameters: unknownCodec })).toBe('media_rejected');
    // An RTX codec pointing at no codec.
    const badRtx = vp8Simulcast('8');
    expect(await codeOf(alice, 'sfuProduce', { callID, transportId, kind: 'video', source: 'camera', rtpParameters: { ...badRtx, codecs: [{ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } }] } })).toBe(
      'media_rejected',
    );
    // A mic that says it is video, and produce on a recv transport.
    expect(await codeOf(alice, 'sfuProduce', { callID, transportId, kind: 'video', source: 'mic', rtpParameters: vp8Simulcast('9') })).toBe('media_rejected');
    const recv = await req(alice, 'sfuCreateTransport', { callID, direction: 'recv' });
    expect(await codeOf(alice, 'sfuProduce', { callID, transportId: recv.transportId, kind: 'audio', source: 'mic', rtpParameters: opus('10') })).toBe('media_rejected');
    // DTLS parameters twice on one transport.
    await req(alice, 'sfuConnectTransport', { callID, transportId, dtlsParameters: DTLS });
    expect(await codeOf(alice, 'sfuConnectTransport', { callID, transportId, dtlsParameters: DTLS })).toBe('media_rejected');
  });

  it('oversize appData and unbounded lists never reach mediasoup: bad_request', async () => {
    const big = { note: 'x'.repeat(200), a: 'y'.repeat(200), b: 'z'.repeat(200), c: 'w'.repeat(200), d: 'v'.repeat(200) };
    expect(await codeOf(alice, 'sfuProduce', { callID, transportId: a.transportId, kind: 'audio', source: 'mic', rtpParameters: opus('11'), appData: big })).toBe('bad_request');
    const many = { ...opus('12'), codecs: Array.from({ length: SFU_LIMITS.maxCodecs + 1 }, (_, i) => ({ mimeType: 'audio/opus', payloadType: i, clockRate: 48000 })) };
    expect(await codeOf(alice, 'sfuProduce', { callID, transportId: a.transportId, kind: 'audio', source: 'mic', rtpParameters: many })).toBe('bad_request');
    expect(await codeOf(alice, 'sfuSetPreferredLayers', { callID, consumerId: 'c', spatialLayer: 9 })).toBe('bad_request');
  });

  it('a join with capabilities that cannot receive a producer: consume is media_rejected', async () => {
    const p = await setUpPair();
    const other = p.other;
    const mic = await joinAndSend(other, p.id);
    // carol rejoins saying she can decode nothing.
    await req(p.c, 'sfuJoin', { callID: p.id, rtpCapabilities: { codecs: [], headerExtensions: [] } });
    await req(p.c, 'sfuCreateTransport', { callID: p.id, direction: 'recv' });
    expect(await codeOf(p.c, 'sfuConsume', { callID: p.id, producerId: mic.mic })).toBe('media_rejected');
    await p.end();
  });
});

/** A fresh call between dave (inviter) and carol, both joined; carol is `c`. */
async function setUpPair(): Promise<{ id: CallId; c: TestClient; other: TestClient; end: () => Promise<void> }> {
  const dave = await connect(t.url, 'dave', `dave-${Math.random().toString(36).slice(2, 8)}`);
  const { call } = await dave.calls.callInvite([carol.userId], { mode: 'advanced' });
  await carol.calls.callAccept(call.callID);
  await join(carol, call.callID);
  await join(dave, call.callID);
  return {
    id: call.callID,
    c: carol,
    other: dave,
    end: async () => {
      await dave.calls.callEnd(call.callID);
      await dave.sig.close();
    },
  };
}
