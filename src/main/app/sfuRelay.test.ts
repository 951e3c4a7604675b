import { describe, expect, it } from 'vitest';
import { INVOKES } from '../../shared/ipc/contract.ts';
import { SfuPushEventSchema } from '../../shared/ipc/sfu.ts';
import { relaySfu, type SfuRequester } from './sfuRelay.ts';

const parse = (args: unknown) => INVOKES.sfu.args.safeParse(args);

function requester(state: SfuRequester['state'] = 'connected', session: unknown = { userId: 'alice' }): SfuRequester & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    state,
    session,
    sent,
    request: (type, data) => {
      sent.push({ type, data });
      return Promise.resolve({ producerId: 'p1' } as never); // whatever the server answered; the relay passes it on
    },
  };
}

describe('the sfu invoke channel', () => {
  it('parses data with the schema of the request type, defaults included', () => {
    const r = parse({ type: 'sfuProduce', data: { callID: 'c1', transportId: 't1', kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] } } });
    expect(r.success && r.data).toMatchObject({ type: 'sfuProduce', data: { paused: false, appData: {} } });
  });

  it('refuses unknown types, bad data and extra fields', () => {
    expect(parse({ type: 'sfuNuke', data: {} }).success).toBe(false);
    expect(parse({ type: 'sfuJoin', data: { callID: 'c1' } }).success).toBe(false);
    expect(parse({ type: 'sfuLeave', data: { callID: 'c1' }, extra: 1 }).success).toBe(false);
    const bad = parse({ type: 'sfuCreateTransport', data: { callID: 'c1', direction: 'sideways' } });
    expect(bad.success ? '' : bad.error.issues[0]?.message).toMatch(/^sfuCreateTransport: direction/);
  });

  it('the sfu event carries SFU pushes only, checked against their own schema', () => {
    expect(SfuPushEventSchema.safeParse({ type: 'sfuProducerPaused', data: { callID: 'c1', producerId: 'p1' } }).success).toBe(true);
    expect(SfuPushEventSchema.safeParse({ type: 'sfuProducerPaused', data: { callID: 'c1' } }).success).toBe(false);
    expect(SfuPushEventSchema.safeParse({ type: 'callInvitationReceived', data: {} }).success).toBe(false);
  });
});

describe('relaySfu', () => {
  it('forwards the request on the signed-in connection and returns the answer unchanged', async () => {
    const sig = requester();
    const req = parse({ type: 'sfuPauseProducer', data: { callID: 'c1', producerId: 'p1' } });
    if (!req.success) throw new Error('fixture does not parse');
    await expect(relaySfu(sig, req.data)).resolves.toEqual({ producerId: 'p1' });
    expect(sig.sent).toEqual([{ type: 'sfuPauseProducer', data: { callID: 'c1', producerId: 'p1' } }]);
  });

  it('refuses with not_signed_in when there is no session', async () => {
    const req = parse({ type: 'sfuLeave', data: { callID: 'c1' } });
    if (!req.success) throw new Error('fixture does not parse');
    for (const sig of [null, requester('signedOut'), requester('connected', null)]) {
      await expect(relaySfu(sig, req.data)).rejects.toMatchObject({ code: 'not_signed_in' });
    }
  });
});
