// The SFU side of RoomClient's tests: mediasoup-client's FakeHandler for the browser, and an
// in-memory SFU port that answers from fake parameters, records every request and pushes.
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { Device, FakeHandler, testFakeParameters, type types } from 'mediasoup-client';
import type { SfuPushEvent, SfuRequestInput, SfuRequestResult, SfuRequestType } from '../../../shared/ipc/sfu.ts';
import { asCallId, asDeviceId, asUserId } from '../../../shared/protocol/common.ts';
import type { ProducerInfo } from '../../../shared/protocol/sfu.ts';
import type { SfuPort } from '../media/sfuPort.ts';

export const CALL = asCallId('call-1');
export const ME = { userId: asUserId('alice'), deviceId: asDeviceId('alice-pc') };
export const BOB = { userId: asUserId('bob'), deviceId: asDeviceId('bob-pc') };

export const bobsMic: ProducerInfo = { producerId: 'p-bob-mic', ...BOB, kind: 'audio', source: 'mic', paused: false, appData: {} };
export const bobsCam: ProducerInfo = { producerId: 'p-bob-cam', ...BOB, kind: 'video', source: 'camera', paused: true, appData: {} };

type Handler = (data: Record<string, unknown>) => unknown;

/** The server side of the port: answers from fake parameters, records every request, and pushes. */
export class FakeSfu implements SfuPort {
  readonly sent: { type: SfuRequestType; data: Record<string, unknown> }[] = [];
  readonly failures = new Map<SfuRequestType, string[]>();
  producers: ProducerInfo[] = [bobsMic];
  #listeners = new Set<(p: SfuPushEvent) => void>();
  #n = 0;
  #p = 0;
  readonly #handlers: Partial<Record<SfuRequestType, Handler>> = {
    sfuCapabilities: () => ({ rtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() }),
    sfuJoin: () => ({ rtpCapabilities: testFakeParameters.generateRouterRtpCapabilities(), producers: this.producers, members: [{ ...BOB, deviceName: 'bob-pc' }, { ...ME, deviceName: 'me' }] }),
    sfuCreateTransport: () => {
      const t = testFakeParameters.generateTransportRemoteParameters();
      return { transportId: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
    },
    sfuProduce: () => ({ producerId: `prod-${++this.#p}` }),
    sfuConsume: (d) => {
      const p = this.producers.find((x) => x.producerId === d['producerId']);
      if (!p) throw Object.assign(new Error('gone'), { code: 'media_not_found' });
      const c = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: p.kind === 'audio' ? 'audio/opus' : 'video/VP8' });
      return { consumerId: `cons-${++this.#n}`, producerId: p.producerId, kind: p.kind, rtpParameters: c.rtpParameters, producerPaused: p.paused, userId: p.userId, deviceId: p.deviceId, source: p.source, appData: {} };
    },
    sfuRestartIce: () => ({ iceParameters: testFakeParameters.generateTransportRemoteParameters().iceParameters }),
  };

  request<T extends SfuRequestType>(type: T, data: SfuRequestInput<T>): Promise<SfuRequestResult<T>> {
    // Every request's data is an object; the handlers read it field by field.
    const d = data as Record<string, unknown>;
    this.sent.push({ type, data: d });
    const code = this.failures.get(type)?.shift();
    if (code) return Promise.reject(Object.assign(new Error(code), { code }));
    const h = this.#handlers[type];
    try {
      // Test answers follow SFU_REQUESTS[type].result by construction.
      return Promise.resolve((h ? h(d) : {}) as SfuRequestResult<T>);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  onPush(fn: (p: SfuPushEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
  push(p: SfuPushEvent): void {
    for (const fn of this.#listeners) fn(p);
  }
  types(): SfuRequestType[] {
    return this.sent.map((s) => s.type);
  }
  count(type: SfuRequestType): number {
    return this.sent.filter((s) => s.type === type).length;
  }
}

/** Transports are RoomClient's own; the Device's observer shows them to the test. */
export const created: types.Transport[] = [];
export const madeProducers: types.Producer[] = [];
export async function fakeDevice(): Promise<Device> {
  const d = await Device.factory({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
  d.observer.on('newtransport', (t: types.Transport) => {
    created.push(t);
    t.observer.on('newproducer', (p: types.Producer) => madeProducers.push(p));
  });
  return d;
}
export function lastTransport(direction: 'send' | 'recv'): types.Transport {
  const t = created.filter((c) => c.direction === direction && !c.closed).at(-1);
  if (!t) throw new Error(`no live ${direction} transport`);
  return t;
}
export const track = (kind: 'audio' | 'video'): MediaStreamTrack => new FakeMediaStreamTrack({ kind }) as unknown as MediaStreamTrack; // the fake implements what mediasoup-client reads
export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

// A bound for a broken build, not a speed test: the rejoin retries run on real timers, slower on a busy machine.
export async function until(f: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}
