import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup-client';
import { asCallId, asDeviceId, asUserId } from '../../../shared/protocol/common.ts';
import type { ProducerInfo } from '../../../shared/protocol/sfu.ts';
import { Consumers } from './Consumers.ts';
import type { RemoteStream } from './roomTypes.ts';
import type { SfuPort } from './sfuPort.ts';

const producer: ProducerInfo = { producerId: 'p-cam', userId: asUserId('bob'), deviceId: asDeviceId('b1'), kind: 'video', source: 'camera', paused: true, appData: {} };

/** A recv transport whose consume() resolves only when the test says so: the window in which a push can land. */
function harness() {
  let finishConsume: () => void = () => undefined;
  const consumer = { id: 'c1', track: null, on: () => undefined, close: () => undefined } as unknown as types.Consumer; // only what Consumers touches
  const recv = {
    consume: () =>
      new Promise<types.Consumer>((resolve) => {
        finishConsume = () => resolve(consumer);
      }),
  } as unknown as types.Transport; // only consume() is used
  const seen: RemoteStream[][] = [];
  const port: SfuPort = {
    request: (async (type: string) =>
      type === 'sfuConsume'
        ? { consumerId: 'c1', producerId: producer.producerId, userId: producer.userId, deviceId: producer.deviceId, kind: 'video', source: 'camera', rtpParameters: {}, producerPaused: true }
        : {}) as SfuPort['request'],
    on: () => () => undefined,
  } as unknown as SfuPort; // request() is all Consumers calls
  const consumers = new Consumers({
    port,
    callID: asCallId('call-1'),
    recv: () => recv,
    epoch: () => 1,
    onRemotes: (r) => seen.push(r),
    onLayers: () => undefined,
    shown: () => true,
    report: (e) => {
      throw e;
    },
  });
  return { consumers, seen, finish: () => finishConsume() };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('Consumers: pause pushes while a consume is in flight', () => {
  it('a resume pushed after the consume was answered, before the consumer exists, is not lost', async () => {
    const { consumers, seen, finish } = harness();
    consumers.add(producer);
    const done = consumers.consume(producer, 1);
    await flush(); // sfuConsume answered (producer still paused: the callee's pre-warm)
    consumers.setProducerPaused(producer.producerId, false); // Accept resumed it
    finish();
    await done;
    expect(seen.at(-1)?.[0]).toMatchObject({ producerId: 'p-cam', paused: false });
  });

  it('a resume relayed faster than the consume answer (received before it) still wins over the answer\'s older state', async () => {
    const { consumers, seen, finish } = harness();
    consumers.add(producer);
    const done = consumers.consume(producer, 1); // the request is sent; its answer (paused: true) is on its way
    consumers.setProducerPaused(producer.producerId, false); // the resume's push overtakes it
    await flush();
    finish();
    await done;
    expect(seen.at(-1)?.[0]).toMatchObject({ producerId: 'p-cam', paused: false });
  });

  it('without a push, the consume answer\'s state stands; a push for a producer no longer in the room is ignored', async () => {
    const { consumers, seen, finish } = harness();
    consumers.add(producer);
    consumers.setProducerPaused('p-unknown', false);
    const done = consumers.consume(producer, 1);
    await flush();
    finish();
    await done;
    expect(seen.at(-1)?.[0]).toMatchObject({ producerId: 'p-cam', paused: true });
  });
});
