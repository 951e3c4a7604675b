// The active speaker for a device that enters the room after the observer chose one: mediasoup's
// ActiveSpeakerObserver speaks only on a change, so the room must tell a newcomer itself. The real
// worker and router; the observer's choice is played by the test on the very observer the room
// listens to (paused, so that its own choices stay out; Chromium's audio detection is media.e2e's).
import type { types } from 'mediasoup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallId } from '../../src/shared/protocol/index.ts';
import { cleanupSockets } from './badInput.raw.ts';
import { connect, once, startTestServer, type TestClient, type TestServer } from './harness.ts';
import { join, joinAndSend, requireWorker, sfuPush } from './sfuKit.ts';

let t: TestServer;
const clients: TestClient[] = [];
const calls: { alice: TestClient; callID: CallId }[] = [];
/** Every active-speaker observer the server's routers made, in order. */
const observers: types.ActiveSpeakerObserver[] = [];

beforeAll(async () => {
  requireWorker();
  t = await startTestServer(['alice', 'bob']);
  for (const w of t.server.services.sfu.pool?.workers ?? []) {
    w.worker.observer.on('newrouter', (router) =>
      router.observer.on('newrtpobserver', (o) => {
        if (o.type !== 'activespeaker') return;
        observers.push(o as types.ActiveSpeakerObserver);
        // Its own choices (it picks the only microphone in the room, sound or not) would come at any
        // moment and tell the newcomer without the room's help: only the test's choice counts here.
        void o.pause();
      }),
    );
  }
});
afterEach(async () => {
  for (const { alice, callID } of calls.splice(0)) await alice.calls.callEnd(callID).catch(() => undefined);
  for (const c of clients.splice(0)) await c.sig.close();
});
afterAll(async () => {
  cleanupSockets();
  await t.close();
});

/** Alice calls Bob and enters the room sending; the room's observer then picks her microphone. */
async function aliceSpeaks(): Promise<{ alice: TestClient; bob: TestClient; callID: CallId; mic: string }> {
  const alice = await connect(t.url, 'alice');
  const bob = await connect(t.url, 'bob');
  clients.push(alice, bob);
  const ringing = once(bob.calls, 'callInvitationReceived');
  const { call } = await alice.calls.callInvite([bob.userId], { mode: 'normal' });
  await ringing;
  calls.push({ alice, callID: call.callID });
  const before = observers.length;
  const { mic } = await joinAndSend(alice, call.callID);
  const observer = observers[before];
  if (!observer) throw new Error('the room made no active-speaker observer');
  const heard = sfuPush(alice, 'sfuActiveSpeaker');
  // What mediasoup emits when it picks a producer; the room reads only its id.
  observer.emit('dominantspeaker', { producer: { id: mic } as types.Producer });
  expect((await heard).userId).toBe('alice');
  return { alice, bob, callID: call.callID, mic };
}

describe('the active speaker for a device entering the room', () => {
  it('a ringing device that pre-warmed and then answers hears who speaks', async () => {
    const { bob, callID } = await aliceSpeaks();
    await join(bob, callID); // pre-warm: the members hear of speakers, a ringing device does not
    const told = sfuPush(bob, 'sfuActiveSpeaker');
    await bob.calls.callAccept(callID); // the call's sync promotes the pre-warmed device: no request from it
    expect(await told).toMatchObject({ callID, userId: 'alice', deviceId: 'alice-d1' });
  });

  it('a member who joins after the choice hears who speaks', async () => {
    const { bob, callID } = await aliceSpeaks();
    await bob.calls.callAccept(callID);
    const told = sfuPush(bob, 'sfuActiveSpeaker');
    await join(bob, callID);
    expect(await told).toMatchObject({ callID, userId: 'alice', deviceId: 'alice-d1' });
  });
});
