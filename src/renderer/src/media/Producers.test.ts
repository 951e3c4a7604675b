// The sending half of a room (Producers, through RoomClient) where an answer lands in the middle of a
// step: what the browser's sender holds afterwards must be a live, enabled track.
import { afterEach, describe, expect, it } from 'vitest';
import { CALL, FakeSfu, ME, fakeDevice, madeProducers, track, until } from '../testing/fakeSfu.ts';
import { RoomClient } from './RoomClient.ts';

let room: RoomClient | null = null;
afterEach(() => {
  room?.close();
  room = null;
});

describe('Producers while ringing', () => {
  it('answered during a held publish’s replaceTrack: the clone on the sender is enabled, not stopped', async () => {
    const sfu = new FakeSfu();
    const r = new RoomClient({ port: sfu, callID: CALL, me: ME, createDevice: fakeDevice, pending: true });
    room = r;
    const camera = track('video');
    void r.publish('camera', camera);
    await r.join();
    await until(() => sfu.count('sfuProduce') === 1, 'the camera produced while ringing');
    const producer = madeProducers.filter((p) => !p.closed && p.kind === 'video').at(-1);
    if (!producer) throw new Error('no camera producer');

    // The camera is published again while ringing (the pre-warm's open lands after the join produced
    // it), and the user answers while that replaceTrack runs.
    const replace = producer.replaceTrack.bind(producer);
    let answered: Promise<void> | null = null;
    producer.replaceTrack = async (o) => {
      answered = r.activate();
      await replace(o);
    };
    await r.publish('camera', camera);
    await answered;

    expect(r.pending).toBe(false);
    expect(producer.track).not.toBe(camera); // still the held clone: no renegotiation on the answer
    expect(producer.track?.readyState).toBe('live');
    expect(producer.track?.enabled).toBe(true);
  });
});
