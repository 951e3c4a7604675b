// RoomClient's logic against mediasoup-client's FakeHandler and an in-memory SFU port (testing/fakeSfu.ts).
// The real WebRTC path is covered by test/e2e/media.e2e.test.ts in Chromium; this checks what is sent when.
import { Device, FakeHandler } from 'mediasoup-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SfuRequestInput, SfuRequestType } from '../../../shared/ipc/sfu.ts';
import { asCallId, asDeviceId, asUserId } from '../../../shared/protocol/common.ts';
import type { ProducerInfo } from '../../../shared/protocol/sfu.ts';
import { CALL, ME, BOB, bobsMic, bobsCam, FakeSfu, madeProducers, fakeDevice, lastTransport, track, tick, until } from '../testing/fakeSfu.ts';
import { RoomClient } from './RoomClient.ts';
import type { ConsumerLayers, RemoteStream, RoomState } from './roomTypes.ts';

let room: RoomClient | null = null;
afterEach(() => {
  room?.close();
  room = null;
});

async function joined(sfu = new FakeSfu()): Promise<{ sfu: FakeSfu; room: RoomClient; remotes: () => RemoteStream[]; states: RoomState[] }> {
  const r = new RoomClient({ port: sfu, callID: CALL, me: ME, createDevice: fakeDevice });
  room = r;
  let remotes: RemoteStream[] = [];
  const states: RoomState[] = [];
  r.on('remotes', (x) => (remotes = x));
  r.on('state', (s) => states.push(s));
  await r.join();
  await until(() => remotes.length === sfu.producers.length, 'remote streams');
  return { sfu, room: r, remotes: () => remotes, states };
}

describe('RoomClient', () => {
  it('joins: asks for capabilities, joins, creates both transports and consumes what the others send', async () => {
    const { sfu, room: r, remotes, states } = await joined();
    expect(sfu.types().slice(0, 4)).toEqual(['sfuCapabilities', 'sfuJoin', 'sfuCreateTransport', 'sfuCreateTransport']);
    expect(sfu.sent.filter((s) => s.type === 'sfuCreateTransport').map((s) => s.data['direction'])).toEqual(['send', 'recv']);
    expect(remotes()).toMatchObject([{ producerId: 'p-bob-mic', userId: 'bob', kind: 'audio', source: 'mic', paused: false }]);
    await until(() => sfu.count('sfuResumeConsumer') === 1, 'consumer resumed');
    expect(r.remoteTrack(remotes()[0]?.consumerId ?? '')?.kind).toBe('audio');
    expect(states).toEqual(['joining', 'connected']);
  });

  it('publishes the microphone with its source, and mute pauses the producer on the server', async () => {
    const { sfu, room: r } = await joined();
    let published: { source: string; paused: boolean; live: boolean }[] = [];
    r.on('published', (p) => (published = p));
    await r.publish('mic', track('audio'));
    const produce = sfu.sent.find((s) => s.type === 'sfuProduce');
    expect(produce?.data).toMatchObject({ callID: CALL, kind: 'audio', source: 'mic', paused: false });
    expect(published).toEqual([{ source: 'mic', paused: false, live: true }]);
    await r.setPaused('mic', true);
    expect(sfu.sent.at(-1)).toEqual({ type: 'sfuPauseProducer', data: { callID: CALL, producerId: 'prod-1' } });
    expect(published).toEqual([{ source: 'mic', paused: true, live: true }]);
    await r.setPaused('mic', false);
    expect(sfu.sent.at(-1)?.type).toBe('sfuResumeProducer');
    await r.unpublish('mic');
    expect(sfu.sent.at(-1)).toEqual({ type: 'sfuCloseProducer', data: { callID: CALL, producerId: 'prod-1' } });
  });

  it('a track published while muted and before the join is produced paused', async () => {
    const sfu = new FakeSfu();
    const r = new RoomClient({ port: sfu, callID: CALL, me: ME, createDevice: fakeDevice });
    room = r;
    void r.publish('mic', track('audio'), true);
    await r.join();
    expect(sfu.sent.find((s) => s.type === 'sfuProduce')?.data).toMatchObject({ source: 'mic', paused: true });
  });

  it('sends the camera as three simulcast layers in VP8, and a screen share as one', async () => {
    const { sfu, room: r } = await joined();
    await r.publish('camera', track('video'));
    await r.publish('screen', track('video'));
    const produced = sfu.sent.filter((s) => s.type === 'sfuProduce').map((s) => s.data);
    type Params = { encodings?: { scaleResolutionDownBy?: number; maxBitrate?: number }[]; codecs: { mimeType: string }[] };
    const params = (source: string): Params => {
      // sfuProduce's rtpParameters as the RoomClient built them (the wire schema's shape).
      const d = produced.find((x) => x['source'] === source)?.['rtpParameters'] as Params | undefined;
      if (!d) throw new Error(`no ${source} produced`);
      return d;
    };
    // The rids (r0, r1, r2) come from the browser's handler; FakeHandler leaves them out.
    expect(params('camera').encodings?.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(params('camera').codecs[0]?.mimeType).toBe('video/VP8');
    expect(params('screen').encodings).toHaveLength(1);
    expect(params('screen').encodings?.[0]?.scaleResolutionDownBy).toBeUndefined();
  });

  it('asks for a camera’s layer only when it changes, never for audio, and reports the layers the SFU forwards', async () => {
    const sfu = new FakeSfu();
    sfu.producers = [bobsMic, bobsCam];
    const { room: r, remotes } = await joined(sfu);
    let layers: Record<string, ConsumerLayers> = {};
    r.on('layers', (l) => (layers = l));
    const cam = remotes().find((x) => x.source === 'camera')?.consumerId ?? '';
    const mic = remotes().find((x) => x.source === 'mic')?.consumerId ?? '';
    r.preferLayer(cam, 2);
    r.preferLayer(cam, 2);
    r.preferLayer(mic, 0);
    r.preferLayer(cam, 0);
    r.preferLayer(cam, 0);
    const asked = sfu.sent.filter((s) => s.type === 'sfuSetPreferredLayers').map((s) => s.data);
    expect(asked).toEqual([
      { callID: CALL, consumerId: cam, spatialLayer: 2 },
      { callID: CALL, consumerId: cam, spatialLayer: 0 },
    ]);
    expect(layers).toEqual({ [cam]: { preferred: 0, spatial: null, temporal: null } });
    sfu.push({ type: 'sfuConsumerLayersChanged', data: { callID: CALL, consumerId: cam, spatialLayer: 0, temporalLayer: 2 } });
    expect(layers).toEqual({ [cam]: { preferred: 0, spatial: 0, temporal: 2 } });
    sfu.push({ type: 'sfuConsumerLayersChanged', data: { callID: CALL, consumerId: mic, spatialLayer: 0, temporalLayer: 0 } });
    expect(Object.keys(layers)).toEqual([cam]);
    // The camera goes away: its layers go with it, and a new consumer is asked for afresh.
    sfu.push({ type: 'sfuProducerClosed', data: { callID: CALL, producerId: 'p-bob-cam' } });
    expect(layers).toEqual({});
  });

  it('follows the room: new producers, pause flags, closed producers, members leaving and the active speaker', async () => {
    const { sfu, room: r, remotes } = await joined();
    let speaker: unknown = 'none';
    r.on('activeSpeaker', (s) => (speaker = s));
    sfu.producers.push(bobsCam);
    sfu.push({ type: 'sfuNewProducer', data: { callID: CALL, producer: bobsCam } });
    await until(() => remotes().length === 2, 'camera consumed');
    expect(remotes().find((x) => x.source === 'camera')?.paused).toBe(true);
    sfu.push({ type: 'sfuProducerResumed', data: { callID: CALL, producerId: 'p-bob-cam' } });
    expect(remotes().find((x) => x.source === 'camera')?.paused).toBe(false);
    sfu.push({ type: 'sfuProducerClosed', data: { callID: CALL, producerId: 'p-bob-cam' } });
    expect(remotes().map((x) => x.source)).toEqual(['mic']);
    sfu.push({ type: 'sfuActiveSpeaker', data: { callID: CALL, ...BOB } });
    expect(speaker).toEqual(BOB);
    // Another call's pushes are not ours.
    sfu.push({ type: 'sfuMemberLeft', data: { callID: asCallId('other'), ...BOB } });
    expect(remotes()).toHaveLength(1);
    sfu.push({ type: 'sfuMemberLeft', data: { callID: CALL, ...BOB } });
    expect(remotes()).toEqual([]);
  });

  it('restarts ICE when a transport fails, and rejoins (re-producing) when the server cannot restart it', async () => {
    const { sfu, room: r } = await joined();
    await r.publish('mic', track('audio'));
    const send = lastTransport('send');
    (send.handler as unknown as FakeHandler).setConnectionState('failed'); // createDevice above uses FakeHandler
    await until(() => sfu.count('sfuRestartIce') === 1, 'ICE restart');
    expect(sfu.sent.find((s) => s.type === 'sfuRestartIce')?.data).toEqual({ callID: CALL, transportId: send.id });

    sfu.failures.set('sfuRestartIce', ['media_not_found']);
    const before = sfu.count('sfuJoin');
    (lastTransport('recv').handler as unknown as FakeHandler).setConnectionState('failed'); // as above
    await until(() => sfu.count('sfuJoin') === before + 1 && r.state === 'connected', 'rejoined');
    await until(() => sfu.count('sfuProduce') === 2, 'mic produced again');
    expect(sfu.sent.filter((s) => s.type === 'sfuProduce').map((s) => s.data['source'])).toEqual(['mic', 'mic']);
  });

  it('pre-warm (pending): joins, produces held (disabled clones, server-paused) and consumes ahead; activate() only resumes', async () => {
    const sfu = new FakeSfu();
    const r = new RoomClient({ port: sfu, callID: CALL, me: ME, createDevice: fakeDevice, pending: true });
    room = r;
    let remotes: RemoteStream[] = [];
    r.on('remotes', (x) => (remotes = x));
    const mic = track('audio');
    const camera = track('video');
    void r.publish('mic', mic);
    void r.publish('camera', camera);
    await r.join();
    await until(() => sfu.count('sfuProduce') === 2, 'both produced while ringing');
    expect(sfu.sent.filter((s) => s.type === 'sfuProduce').map((s) => s.data['paused'])).toEqual([true, true]);
    const producers = madeProducers.filter((p) => !p.closed).slice(-2);
    // What leaves while ringing is a disabled clone: black frames and silence, never the camera or the mic.
    expect(producers.map((p) => [p.track === mic || p.track === camera, p.track?.enabled, p.paused])).toEqual([
      [false, false, false],
      [false, false, false],
    ]);
    sfu.producers = [bobsMic, bobsCam];
    sfu.push({ type: 'sfuNewProducer', data: { callID: CALL, producer: bobsCam } });
    await r.setPaused('mic', false); // the user's wish is kept, but nothing is resumed while ringing
    // Consumed ahead (the server holds a ringing device's consumers paused until it answers).
    await until(() => sfu.count('sfuResumeConsumer') === 2, 'consumed while ringing');
    expect(remotes).toHaveLength(2);
    expect(sfu.count('sfuResumeProducer')).toBe(0);
    expect(r.pending).toBe(true);

    const before = sfu.sent.length;
    await r.activate();
    const after = sfu.types().slice(before);
    expect(after).toEqual(['sfuResumeProducer', 'sfuResumeProducer']);
    expect(producers.map((p) => p.track?.enabled)).toEqual([true, true]);
    expect(r.pending).toBe(false);
  });

  it('a ringing device\'s streams are consumed ahead but shown only once it is in the room', async () => {
    const { sfu, remotes } = await joined();
    const carol = { userId: asUserId('carol'), deviceId: asDeviceId('carol-pc') };
    const carolsCam: ProducerInfo = { producerId: 'p-carol-cam', ...carol, kind: 'video', source: 'camera', paused: true, appData: {} };
    sfu.producers = [bobsMic, carolsCam];
    sfu.push({ type: 'sfuNewProducer', data: { callID: CALL, producer: carolsCam } });
    await until(() => sfu.count('sfuResumeConsumer') === 2, 'carol consumed while she rings');
    expect(remotes().map((x) => x.userId)).toEqual(['bob']);
    sfu.push({ type: 'sfuMemberJoined', data: { callID: CALL, member: { ...carol, deviceName: 'carol-pc' } } });
    expect(remotes().map((x) => x.userId).sort()).toEqual(['bob', 'carol']);
  });

  it('a member who joins while this device\'s join is answered is kept: the push may overtake the answer', async () => {
    const sfu = new FakeSfu();
    const carol = { userId: asUserId('carol'), deviceId: asDeviceId('carol-pc') };
    const carolsCam: ProducerInfo = { producerId: 'p-carol-cam', ...carol, kind: 'video', source: 'camera', paused: false, appData: {} };
    const left: ProducerInfo = { producerId: 'p-bob-old', ...BOB, kind: 'video', source: 'screen', paused: false, appData: {} };
    sfu.producers = [bobsMic, left, carolsCam];
    const answer = sfu.request.bind(sfu);
    // The answer was made before carol came in and bob stopped sharing; both pushes reach the page first.
    sfu.request = ((type: SfuRequestType, data: never) => {
      const r = answer(type, data);
      if (type === 'sfuJoin') {
        sfu.push({ type: 'sfuMemberJoined', data: { callID: CALL, member: { ...carol, deviceName: 'carol-pc' } } });
        sfu.push({ type: 'sfuNewProducer', data: { callID: CALL, producer: carolsCam } });
        sfu.push({ type: 'sfuProducerClosed', data: { callID: CALL, producerId: left.producerId } });
      }
      return r;
    }) as FakeSfu['request'];
    const r = new RoomClient({ port: sfu, callID: CALL, me: ME, createDevice: fakeDevice });
    room = r;
    let members: string[] = [];
    let remotes: RemoteStream[] = [];
    r.on('members', (m) => (members = m.map((x) => x.userId)));
    r.on('remotes', (x) => (remotes = x));
    await r.join();
    await until(() => remotes.length === 2, 'bob\'s mic and carol\'s camera');
    await tick(20);
    expect(members.sort()).toEqual(['bob', 'carol']);
    expect(remotes.map((x) => x.producerId).sort()).toEqual([bobsMic.producerId, carolsCam.producerId]);
    expect(sfu.sent.filter((x) => x.type === 'sfuConsume').map((x) => x.data['producerId'])).not.toContain(left.producerId);
  });

  it('answered while the pre-warm still joins: every remote producer is consumed exactly once, with no rejoin', async () => {
    const sfu = new FakeSfu();
    sfu.producers = [bobsMic, bobsCam];
    const r = new RoomClient({ port: sfu, callID: CALL, me: ME, createDevice: fakeDevice, pending: true });
    room = r;
    let remotes: RemoteStream[] = [];
    r.on('remotes', (x) => (remotes = x));
    const joining = r.join();
    await r.activate(); // a fast answer: before the pending join got in
    await joining;
    await until(() => remotes.length === 2, 'both consumed');
    await tick(20);
    expect(sfu.count('sfuConsume')).toBe(2);
    expect(sfu.count('sfuJoin')).toBe(1);
    expect(r.state).toBe('connected');
  });

  it('a server restart (serverRestart) rejoins like a dead worker: the call goes on', async () => {
    const { sfu, room: r } = await joined();
    sfu.push({ type: 'sfuRoomClosed', data: { callID: CALL, reason: 'serverRestart' } });
    await until(() => sfu.count('sfuJoin') === 2 && r.state === 'connected', 'rejoined after the restart');
    expect(r.closed).toBe(false);
  });

  it('rejoins after the worker died, and closes for good when the call ended', async () => {
    const { sfu, room: r } = await joined();
    let closed: string | null = null;
    r.on('closed', (why) => (closed = why));
    sfu.push({ type: 'sfuRoomClosed', data: { callID: CALL, reason: 'workerDied' } });
    await until(() => sfu.count('sfuJoin') === 2 && r.state === 'connected', 'rejoined after the worker died');
    sfu.push({ type: 'sfuRoomClosed', data: { callID: CALL, reason: 'ended' } });
    expect(closed).toBe('ended');
    expect(r.state).toBe('closed');
    expect(sfu.count('sfuLeave')).toBe(0); // the server already took us out
  });

  it('keeps retrying a rejoin while the signaling is down, and stops when the call is over', async () => {
    const { sfu, room: r } = await joined();
    sfu.failures.set('sfuJoin', ['disconnected', 'disconnected']);
    const done = r.rejoin();
    await until(() => sfu.count('sfuJoin') >= 3, 'retried');
    await done;
    expect(r.state).toBe('connected');
    sfu.failures.set('sfuJoin', ['call_ended']);
    await r.rejoin();
    expect(r.state).toBe('closed');
  });

  it('close() leaves the room once and is safe to call twice', async () => {
    const { sfu, room: r } = await joined();
    r.close();
    r.close();
    expect(sfu.count('sfuLeave')).toBe(1);
    expect(r.state).toBe('closed');
  });

  it('gives both transports the server’s TURN servers and policy, and a transport fresh ones before its ICE restart', async () => {
    const sfu = new FakeSfu();
    let minted = 0;
    const turn = () => [{ urls: ['turn:turn.example.com:3478?transport=udp'], username: `${++minted}:alice`, credential: `credential-${minted}` }];
    const plain = sfu.request.bind(sfu);
    // The server with a turn section: the same answers plus iceServers (see server/sfu/SfuService.ts).
    sfu.request = (async (type: SfuRequestType, data: Record<string, unknown>) => {
      const res = (await plain(type, data as SfuRequestInput<typeof type>)) as Record<string, unknown>;
      if (type === 'sfuCreateTransport') return { ...res, iceServers: turn(), iceTransportPolicy: 'relay' };
      if (type === 'sfuRestartIce') return { ...res, iceServers: turn() };
      return res;
    }) as FakeSfu['request']; // answers follow SFU_REQUESTS[type].result, with the optional TURN fields
    let device: Device | null = null;
    const r = new RoomClient({
      port: sfu,
      callID: CALL,
      me: ME,
      createDevice: async () => {
        device = await fakeDevice();
        vi.spyOn(device, 'createSendTransport');
        vi.spyOn(device, 'createRecvTransport');
        return device;
      },
    });
    room = r;
    await r.join();
    const d = device as Device | null; // assigned by createDevice during join()
    const sendOpts = vi.mocked(d?.createSendTransport)?.mock.calls[0]?.[0];
    const recvOpts = vi.mocked(d?.createRecvTransport)?.mock.calls[0]?.[0];
    expect(sendOpts?.iceTransportPolicy).toBe('relay');
    expect(recvOpts?.iceTransportPolicy).toBe('relay');
    expect([sendOpts?.iceServers?.[0]?.username, recvOpts?.iceServers?.[0]?.username].sort()).toEqual(['1:alice', '2:alice']);

    const send = lastTransport('send');
    const update = vi.spyOn(send, 'updateIceServers');
    const restart = vi.spyOn(send, 'restartIce');
    (send.handler as unknown as FakeHandler).setConnectionState('failed'); // createDevice above uses FakeHandler
    await until(() => restart.mock.calls.length === 1, 'ICE restart');
    expect(update).toHaveBeenCalledWith({ iceServers: [{ urls: ['turn:turn.example.com:3478?transport=udp'], username: '3:alice', credential: 'credential-3' }] });
    expect(update.mock.invocationCallOrder[0]).toBeLessThan(restart.mock.invocationCallOrder[0] ?? 0);
  });
});

