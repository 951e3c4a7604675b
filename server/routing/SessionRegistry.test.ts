import { describe, expect, it } from 'vitest';
import { asDeviceId, asUserId, type Push, type UserId } from '../../src/shared/protocol/index.ts';
import { FRAME_MEMO, SessionRegistry, type Connection } from './SessionRegistry.ts';

function conn(user: string, device: string, got: string[]): Connection {
  return { userId: asUserId(user), deviceId: asDeviceId(device), deviceName: device, send: (f) => got.push(f), close: () => undefined };
}

describe('SessionRegistry pushes', () => {
  it('a push object sent to several users and devices is serialised once; every socket gets the same frame', () => {
    const r = new SessionRegistry();
    const got: string[] = [];
    for (const [u, d] of [['ann', 'a1'], ['ann', 'a2'], ['bob', 'b1']] as const) r.add(conn(u, d, got));
    let serialised = 0;
    // toJSON runs once per JSON.stringify of the push: it counts serialisations.
    const push = { type: 'sessionClosed', data: { reason: 'replaced', toJSON: () => (serialised++, { reason: 'replaced' }) } } as unknown as Push; // a Push whose data counts its serialisations
    r.push(asUserId('ann'), null, push);
    r.push(asUserId('bob'), asDeviceId('b1'), push);
    expect(serialised).toBe(1);
    expect(got).toEqual(Array(3).fill('{"type":"sessionClosed","data":{"reason":"replaced"}}'));
  });

  it('keeps the frames of the last few pushes only: interleaved pushes still share theirs, an old one is serialised again', () => {
    const r = new SessionRegistry();
    const got: string[] = [];
    for (const u of ['ann', 'bob']) r.add(conn(u, `${u}1`, got));
    let serialised = 0;
    const counted = (): Push => ({ type: 'sessionClosed', data: { reason: 'replaced', toJSON: () => (serialised++, { reason: 'replaced' }) } }) as unknown as Push; // counts its serialisations
    const p = counted();
    r.push(asUserId('ann'), null, p);
    r.push(asUserId('ann'), null, { type: 'sessionClosed', data: { reason: 'loggedOut' } });
    r.push(asUserId('bob'), null, p);
    expect(serialised).toBe(1);
    // A frame is not kept for as long as its push lives: after FRAME_MEMO other pushes it is gone.
    for (let i = 0; i < FRAME_MEMO; i++) r.push(asUserId('ann'), null, { type: 'sessionClosed', data: { reason: 'loggedOut' } });
    r.push(asUserId('bob'), null, p);
    expect(serialised).toBe(2);
    expect(got.filter((f) => f.includes('"replaced"'))).toHaveLength(3);
  });

  it('a new push object is serialised afresh, so a later push never reuses an older frame', () => {
    const r = new SessionRegistry();
    const got: string[] = [];
    r.add(conn('ann', 'a1', got));
    const ann: UserId = asUserId('ann');
    r.push(ann, null, { type: 'sessionClosed', data: { reason: 'replaced' } });
    r.push(ann, null, { type: 'sessionClosed', data: { reason: 'loggedOut' } }); // another reason, another object
    expect(got.map((f) => (JSON.parse(f) as { data: { reason: string } }).data.reason)).toEqual(['replaced', 'loggedOut']);
  });
});
