import { afterEach, describe, expect, it } from 'vitest';
import { asUserId } from '../../../../shared/protocol/common.ts';
import { makeCall, makeContact, makeSnapshot, makeView } from '../../testing/fixtures.ts';
import { FakeBridge } from '../../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const call = makeCall({
  callID: 'out1',
  mode: 'advanced',
  users: [
    { userId: 'bob', state: 'received', delivery: { online: true, ringingDevices: 2 } },
    { userId: 'solo', state: 'received', delivery: { online: true, ringingDevices: 1 } },
    { userId: 'carol', state: 'inviting', delivery: { online: false, ringingDevices: 0 } },
    { userId: 'dave', state: 'notYetReceived', delivery: { online: true, ringingDevices: 0 } },
    { userId: 'erin', state: 'rejected', reason: 'busy' },
    { userId: 'frank', state: 'rejected', reason: 'dnd' },
    { userId: 'gina', state: 'rejected', reason: 'declined' },
  ],
});

async function open(): Promise<Mounted> {
  const fake = new FakeBridge({ snapshot: makeSnapshot({ calls: [makeView(call, 'alice')] }), contacts: [makeContact('bob', 'online', false, 'Bob Stone')] });
  return mountApp({ fake, path: '/call/out1' });
}

describe('outgoing call', () => {
  it('shows each invitee with its state and how far the invitation got', async () => {
    m = await open();
    expect(m.find('screen-outgoing')).not.toBeNull();
    expect(m.get('invitee-bob').getAttribute('data-state')).toBe('received');
    expect(m.text('invitee-bob')).toContain('Bob Stone');
    expect(m.text('invitee-delivery-bob')).toBe('ringing on 2 devices');
    expect(m.text('invitee-delivery-solo')).toBe('ringing on 1 device');
    expect(m.text('invitee-delivery-carol')).toBe('offline — will ring when online');
    expect(m.get('invitee-dave').getAttribute('data-state')).toBe('notYetReceived');
    expect(m.text('invitee-delivery-dave')).toBe('not yet reached');
    expect(m.text('invitee-delivery-erin')).toBe('busy');
    expect(m.text('invitee-delivery-frank')).toBe('do not disturb');
    expect(m.text('invitee-delivery-gina')).toBe('declined');
    expect(m.find('invitee-alice')).toBeNull();
  });

  it('calling several people: their count is the title, each with its state in a list', async () => {
    m = await open();
    expect(m.get('screen-outgoing').querySelector('h1')?.textContent?.trim()).toBe('7 people');
    expect(m.text('screen-outgoing')).toContain('Calling… · Audio call');
    expect(m.get('screen-outgoing').querySelectorAll('ul.list > li')).toHaveLength(7);
    // At the top, the first three of them overlapping and "+4", not the first one alone as if it were a 1:1 call.
    const stack = m.get('invitee-stack');
    expect(stack.querySelectorAll('.avatar')).toHaveLength(3);
    expect(stack.querySelector('.more')?.textContent?.trim()).toBe('+4');
  });

  it('calling one person: their name is the title and how far the invitation got is its status, with no list', async () => {
    const one = makeCall({ callID: 'out2', media: 'video', users: [{ userId: 'bob', state: 'received', delivery: { online: true, ringingDevices: 2 } }] });
    const fake = new FakeBridge({ snapshot: makeSnapshot({ calls: [makeView(one, 'alice')] }), contacts: [makeContact('bob', 'online', false, 'Bob Stone')] });
    m = await mountApp({ fake, path: '/call/out2' });
    const screen = m.get('screen-outgoing');
    expect(screen.querySelector('h1')?.textContent?.trim()).toBe('Bob Stone');
    expect(screen.querySelector('.kind')?.textContent?.trim()).toBe('Calling… · Video call');
    expect(m.get('invitee-bob').getAttribute('data-state')).toBe('received');
    expect(m.text('invitee-delivery-bob')).toBe('ringing on 2 devices');
    expect(screen.querySelector('ul')).toBeNull();
    expect(m.find('invitee-stack')).toBeNull();
  });

  it('follows delivery changes from the calls event', async () => {
    m = await open();
    const next = { ...call, version: 2, users: call.users.map((u) => (u.userId === 'carol' ? { ...u, state: 'received' as const, delivery: { online: true, ringingDevices: 3 } } : u)) };
    m.fake.emit('calls', { calls: [makeView(next, 'alice')] });
    await settle();
    expect(m.get('invitee-carol').getAttribute('data-state')).toBe('received');
    expect(m.text('invitee-delivery-carol')).toBe('ringing on 3 devices');
  });

  it('cancels the call', async () => {
    m = await open();
    m.fake.handle('callCancel', () => ({ call: makeView({ ...call, version: 3, callState: 'ended', endReason: 'cancelled', endedAt: call.createdAt + 5000 }, 'alice') }));
    click(m.get('cancel-call'));
    await settle();
    expect(m.fake.argsOf('callCancel')).toEqual([{ callID: 'out1' }]);
    expect(m.find('screen-call-ended')).not.toBeNull();
    expect(m.text('call-ended-reason')).toBe('You cancelled the call');
  });

  it('shows a failed cancel as a translated error', async () => {
    m = await open();
    m.fake.fail('callCancel', 'already_answered');
    click(m.get('cancel-call'));
    await settle();
    expect(m.text('screen-outgoing')).toContain('The call was already answered.');
  });

  it('lists invitees the server refused when the call was placed', async () => {
    const fake = new FakeBridge({ contacts: [makeContact('bob')] });
    fake.handle('callInvite', () => ({ call: makeView(makeCall({ callID: 'c9', users: [{ userId: 'bob', state: 'inviting' }] }), 'alice'), errorInvitees: [{ userId: 'zed', reason: 'unknown' }] }));
    m = await mountApp({ fake });
    click(m.get('call-audio-bob'));
    await settle();
    expect(m.text('invite-refused')).toBe('Could not invite zed: unknown user');
    expect(asUserId('zed')).toBe('zed');
  });
});
