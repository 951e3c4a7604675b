import { describe, expect, it } from 'vitest';
import { PROTOCOL_DOC_PATH, SERVER_FACTS, readRepoFile, renderProtocolDoc } from '../../../scripts/gen-protocol-doc.ts';
import { callInfo, createCall, transition, type Call, type CallEvent, type Context, type Effect, type Invitee } from '../call/index.ts';
import { LIMITS, asUserId, type UserId } from './common.ts';
import { parseJson, parseRequestFrame, parseResult, parseServerFrame } from './envelope.ts';
import {
  AT,
  CALL1,
  CALL2,
  ERROR_EXAMPLES,
  PUSH_EXAMPLES,
  REQUEST_EXAMPLES,
  T2,
  alice,
  aliceLaptop,
  bob,
  bobDesktop,
  bobLaptop,
  carol,
  carolLaptop,
  examplePushFrame,
  exampleRequestFrame,
  exampleResponseFrame,
  type ErrorExample,
} from './examples.ts';
import { PUSH_TYPES, type PushData, type PushType } from './pushes.ts';
import { REQUEST_TYPES } from './requests.ts';

describe('every example matches its schema', () => {
  it('has an example for every request and every push', () => {
    expect(Object.keys(REQUEST_EXAMPLES).sort()).toEqual([...REQUEST_TYPES].sort());
    expect(Object.keys(PUSH_EXAMPLES).sort()).toEqual([...PUSH_TYPES].sort());
  });

  it.each(REQUEST_TYPES)('%s: the request frame parses', (type) => {
    const r = parseRequestFrame(exampleRequestFrame(type));
    expect(r.error?.toWire()).toBeUndefined();
    expect(r.request?.type).toBe(type);
  });

  it.each(REQUEST_TYPES)('%s: the result parses, unchanged, and its response frame too', (type) => {
    const { result } = REQUEST_EXAMPLES[type];
    // Equality after parsing: no field was dropped as unknown.
    expect(parseResult(type, result)).toEqual(result);
    expect(parseServerFrame(exampleResponseFrame(type))).toMatchObject({ kind: 'response', frame: { result } });
  });

  it.each(PUSH_TYPES)('%s: the push frame parses, unchanged', (type) => {
    const frame = examplePushFrame(type);
    expect(parseServerFrame(frame)).toEqual({ kind: 'push', push: frame });
  });

  it.each(ERROR_EXAMPLES.map((e) => [e.title, e] as const))('error "%s": the response parses', (_title, e) => {
    expect(parseServerFrame(e.response)).toEqual({ kind: 'response', frame: e.response });
  });
});

describe('error examples give the code and message the server gives', () => {
  const byCode = (code: string): ErrorExample => {
    const e = ERROR_EXAMPLES.find((x) => x.response.error.code === code && 'frame' in x.sent);
    if (!e) throw new Error(`no error example for ${code}`);
    return e;
  };

  it.each(ERROR_EXAMPLES.filter((e) => 'frame' in e.sent && ['bad_request', 'unknown_type'].includes(e.response.error.code)).map((e) => [e.title, e] as const))(
    'envelope: %s',
    (_title, e) => {
      const r = parseRequestFrame('frame' in e.sent ? e.sent.frame : null);
      expect({ id: r.id, error: r.error?.toWire() }).toEqual(e.response);
    },
  );

  it('malformed JSON', () => {
    const e = ERROR_EXAMPLES.find((x) => x.response.error.code === 'malformed_json');
    expect(e && 'text' in e.sent).toBe(true);
    expect(() => parseJson(e && 'text' in e.sent ? e.sent.text : '')).toThrow(expect.objectContaining(e?.response.error));
  });

  it('the request frames of the other errors are valid requests (the server refuses them later)', () => {
    for (const e of ERROR_EXAMPLES) {
      if (!('frame' in e.sent) || ['bad_request', 'unknown_type'].includes(e.response.error.code)) continue;
      expect(parseRequestFrame(e.sent.frame).error?.toWire(), e.title).toBeUndefined();
    }
  });

  it('the machine refuses with the documented messages', () => {
    const s = normalStory();
    const refusal = (call: Call, ev: CallEvent, at: number) => {
      const r = transition(call, ev, ctx(at));
      return r.ok ? null : r.error.toWire();
    };
    expect(refusal(s.accepted.call, { type: 'accept', by: bob, device: bobDesktop, extendedData: '' }, AT.accept + 1)).toEqual(byCode('state_forbids').response.error);
    expect(refusal(s.accepted.call, { type: 'quit', by: bob, device: bobDesktop, extendedData: '' }, AT.accept + 1)).toEqual(byCode('advanced_only').response.error);
    expect(refusal(s.accepted.call, { type: 'cancel', by: alice, device: aliceLaptop, invitees: null, extendedData: '' }, AT.accept + 1)).toEqual(
      byCode('already_answered').response.error,
    );
    expect(refusal(s.ended.call, { type: 'accept', by: bob, device: bobDesktop, extendedData: '' }, AT.end + 1)).toEqual(byCode('call_ended').response.error);

    const full = ok(createCall({ ...CALL2_PARAMS, invitees: available(alice, carol, ...['u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'].map(asUserId)) }, ctx(T2)));
    expect(full.call.members).toHaveLength(LIMITS.maxParticipants);
    const joined = ok(transition(full.call, { type: 'accept', by: alice, device: aliceLaptop, extendedData: '' }, ctx(T2 + 1))).call;
    expect(refusal(joined, { type: 'callingInvite', by: alice, device: aliceLaptop, invitees: available(asUserId('dave')), extendedData: '' }, T2 + 2)).toEqual(
      byCode('too_many_participants').response.error,
    );
  });
});

// ---- the story, replayed through the state machine ---------------------------------------------

const online = new Set<UserId>();
const ctx = (now: number): Context => ({ now, isOnline: (u) => online.has(u) });
const available = (...users: UserId[]): Invitee[] => users.map((userId) => ({ userId, availability: 'available' }));

function ok(r: ReturnType<typeof transition>): { call: Call; effects: Effect[] } {
  if (!r.ok) throw new Error(`refused: ${r.error.code}: ${r.error.message}`);
  return r;
}
/** One transition, with the call as a result would show it at that moment (presence changes as the story goes on). */
type Step = { call: Call; effects: Effect[]; info: ReturnType<typeof callInfo> };
const snap = (r: { call: Call; effects: Effect[] }, at: number): Step => ({ ...r, info: callInfo(r.call, ctx(at)) });
const step = (call: Call, ev: CallEvent, at: number): Step => snap(ok(transition(call, ev, ctx(at))), at);

/** Equal as the JSON that goes on the wire, key order included (the document shows it byte for byte). */
function sameJson(actual: unknown, expected: unknown): void {
  expect(JSON.stringify(actual, null, 2)).toBe(JSON.stringify(expected, null, 2));
}

/** The one push of `type` to `userId` among the effects. */
function pushTo<T extends PushType>(effects: Effect[], type: T, userId: UserId): PushData<T> {
  const found = effects.flatMap((e) => (e.type === 'push' && e.userId === userId && e.push.type === type ? [e.push.data] : []));
  expect(found, `${type} to ${userId}`).toHaveLength(1);
  return found[0] as PushData<T>; // filtered on type just above
}

const CALL1_PARAMS = {
  callID: CALL1,
  inviter: alice,
  device: aliceLaptop,
  invitees: available(bob, carol),
  mode: 'normal',
  timeoutSec: 60,
  extendedData: '{"media":"video"}',
} as const;
const CALL2_PARAMS = {
  callID: CALL2,
  inviter: bob,
  device: bobDesktop,
  invitees: available(alice),
  mode: 'advanced',
  timeoutSec: 30,
  extendedData: '{"topic":"design review"}',
} as const;

function normalStory() {
  online.clear();
  online.add(alice).add(bob);
  const created = snap(ok(createCall({ ...CALL1_PARAMS, invitees: [...CALL1_PARAMS.invitees] }, ctx(AT.invite))), AT.invite);
  const acked = step(created.call, { type: 'ack', by: bob, device: bobDesktop }, AT.bobAckDesktop);
  const ackedTwice = step(acked.call, { type: 'ack', by: bob, device: bobLaptop }, AT.bobAckLaptop);
  const notYet = step(ackedTwice.call, { type: 'tick' }, AT.carolNotYetReceived);
  online.add(carol);
  const carolIn = step(notYet.call, { type: 'deviceOnline', userId: carol, device: carolLaptop }, AT.carolOnline);
  const carolAcked = step(carolIn.call, { type: 'ack', by: carol, device: carolLaptop }, AT.carolAck);
  const cancelled = step(carolAcked.call, { type: 'cancel', by: alice, device: aliceLaptop, invitees: [carol], extendedData: '' }, AT.cancel);
  const rejected = step(cancelled.call, { type: 'reject', by: bob, device: bobDesktop, extendedData: '' }, AT.accept);
  const accepted = step(cancelled.call, { type: 'accept', by: bob, device: bobDesktop, extendedData: '' }, AT.accept);
  const ended = step(accepted.call, { type: 'end', by: bob, device: bobDesktop, extendedData: '' }, AT.end);
  // The other ending: carol's laptop never acks, nobody cancels her, bob accepts, her timeout passes.
  const altAccepted = step(carolIn.call, { type: 'accept', by: bob, device: bobDesktop, extendedData: '' }, AT.accept);
  const timedOut = step(altAccepted.call, { type: 'tick' }, AT.carolTimeout);
  return { created, acked, ackedTwice, notYet, carolIn, cancelled, rejected, accepted, ended, timedOut };
}

function advancedStory() {
  online.clear();
  online.add(alice).add(bob).add(carol);
  const created = snap(ok(createCall({ ...CALL2_PARAMS, invitees: [...CALL2_PARAMS.invitees] }, ctx(AT.call2Invite))), AT.call2Invite);
  const aliceAcked = step(created.call, { type: 'ack', by: alice, device: aliceLaptop }, AT.call2AliceAck);
  const aliceIn = step(aliceAcked.call, { type: 'accept', by: alice, device: aliceLaptop, extendedData: '' }, AT.call2AliceAccept);
  const carolInvited = step(aliceIn.call, { type: 'callingInvite', by: alice, device: aliceLaptop, invitees: available(carol), extendedData: '' }, AT.callingInvite);
  const carolAcked = step(carolInvited.call, { type: 'ack', by: carol, device: carolLaptop }, AT.call2CarolAck);
  const carolJoined = step(carolAcked.call, { type: 'join', by: carol, device: carolLaptop, extendedData: '' }, AT.callJoin);
  const aliceQuit = step(carolJoined.call, { type: 'quit', by: alice, device: aliceLaptop, extendedData: '{"reason":"next meeting"}' }, AT.callQuit);
  return { carolInvited, carolJoined, aliceQuit };
}

describe('the call examples are what the machine produces', () => {
  it('the normal call: invite, acks, NotYetReceived, cancel, accept or reject, end, record', () => {
    const s = normalStory();
    const R = REQUEST_EXAMPLES;
    const P = PUSH_EXAMPLES;
    sameJson(s.created.info, R.callInvite.result.call);
    sameJson(pushTo(s.created.effects, 'callInvitationCreated', alice), P.callInvitationCreated.data);
    sameJson(pushTo(s.created.effects, 'callInvitationReceived', bob), P.callInvitationReceived.data);
    sameJson(s.acked.info, R.callAck.result.call);
    sameJson(pushTo(s.ackedTwice.effects, 'callDeliveryChanged', alice), P.callDeliveryChanged.data);
    sameJson(pushTo(s.notYet.effects, 'callUserStateChanged', alice), P.callUserStateChanged.data);
    sameJson(s.cancelled.info, R.callCancel.result.call);
    sameJson(pushTo(s.cancelled.effects, 'callInvitationCancelled', carol), P.callInvitationCancelled.data);
    sameJson(s.rejected.info, R.callReject.result.call);
    sameJson(s.accepted.info, R.callAccept.result.call);
    const handled = s.accepted.effects.find((e) => e.type === 'handledElsewhere');
    const { deviceName: _name, deviceId, ...handledData } = P.handledOnOtherDevice.data;
    // An effect, not a frame: the service adds deviceName from the acting connection.
    expect(handled).toEqual({ type: 'handledElsewhere', userId: bob, device: deviceId, ...handledData });
    sameJson(s.ended.info, R.callEnd.result.call);
    sameJson(pushTo(s.ended.effects, 'callInvitationEnded', alice), P.callInvitationEnded.data);
    sameJson(s.ended.effects.find((e) => e.type === 'record'), { type: 'record', record: P.callRecord.data.record });
    sameJson(pushTo(s.timedOut.effects, 'callInvitationTimeout', carol), P.callInvitationTimeout.data);
  });

  it('the advanced call: callingInvite, callJoin, callQuit, and the queries after it', () => {
    const n = normalStory();
    const s = advancedStory();
    const R = REQUEST_EXAMPLES;
    sameJson(s.carolInvited.info, R.callingInvite.result.call);
    sameJson(s.carolJoined.info, R.callJoin.result.call);
    sameJson(s.aliceQuit.info, R.callQuit.result.call);
    // Nothing happens to either call after these steps, so the queries read them as they were left.
    sameJson(R.queryActiveCalls.result.calls, [s.aliceQuit.info]);
    sameJson(R.queryCallInvitationList.result.calls, [s.aliceQuit.info, n.ended.info]);
  });
});

// ---- the document ------------------------------------------------------------------------------

describe('docs/protocol.md', () => {
  it('is what the generator writes now', () => {
    const want = renderProtocolDoc();
    let have: string | null;
    try {
      have = readRepoFile(PROTOCOL_DOC_PATH);
    } catch {
      have = null;
    }
    const a = (have ?? '').split('\n');
    const b = want.split('\n');
    const line = b.findIndex((l, i) => a[i] !== l);
    const where = have === null ? 'it is missing' : `first difference at line ${(line < 0 ? Math.min(a.length, b.length) : line) + 1}`;
    expect(have === want, `${PROTOCOL_DOC_PATH} is out of date (${where}): run \`npm run docs:protocol\``).toBe(true);
  });

  it("states the server's unexported constants as they are in its source", () => {
    const conn = readRepoFile('server/transport/ClientConnection.ts');
    const app = readRepoFile('server/app.ts');
    const num = (src: string, name: string): number => {
      const m = new RegExp(`const ${name} = ([0-9_ *]+);`).exec(src);
      if (!m?.[1]) throw new Error(`${name} not found`);
      return m[1].split('*').reduce((p, f) => p * Number(f.trim().replace(/_/g, '')), 1);
    };
    expect({
      maxFailedLogins: num(conn, 'MAX_FAILED_LOGINS'),
      maxRateViolations: num(conn, 'MAX_RATE_VIOLATIONS'),
      hardFrameCapBytes: num(app, 'HARD_FRAME_CAP'),
      presenceFlushMs: num(app, 'PRESENCE_FLUSH_MS'),
    }).toEqual(SERVER_FACTS);
  });
});
