import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asDeviceId } from '../../../shared/protocol/common.ts';
import { makeCall, makeContact, makeSettings, makeSnapshot, makeView } from '../testing/fixtures.ts';
import { FakeAudioContext } from '../testing/fakeAudio.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
beforeEach(() => {
  FakeAudioContext.made = [];
  vi.stubGlobal('AudioContext', FakeAudioContext);
});
afterEach(() => {
  m?.unmount();
  m = null;
  vi.unstubAllGlobals();
});

const ringing = makeCall({ callID: 'in1', inviter: 'bob', users: [{ userId: 'alice', state: 'received' }] });

function fake(): FakeBridge {
  const f = new FakeBridge({ snapshot: makeSnapshot({ calls: [makeView(ringing, 'alice')], settings: makeSettings({ ringtone: 'pulse', ringtoneVolume: 0.3 }) }), contacts: [makeContact('bob', 'online', false, 'Bob Stone')] });
  f.handle('callAccept', () => ({ call: makeView({ ...ringing, version: 2, users: ringing.users.map((u) => (u.userId === 'alice' ? { ...u, state: 'accepted' as const } : u)) }, 'alice') }));
  return f;
}

describe('ringing window', () => {
  it('rings with the chosen tone and volume while the call rings, and stops the moment it is answered elsewhere', async () => {
    m = await mountApp({ fake: fake(), path: '/ringing/in1' });
    expect(m.find('screen-incoming')).not.toBeNull();
    expect(m.text('incoming-caller')).toBe('Bob Stone');
    expect(FakeAudioContext.made).toHaveLength(1);
    const c = FakeAudioContext.made[0] as FakeAudioContext; // checked just above
    expect(c.master?.gain.value).toBeCloseTo(0.3);
    expect(c.oscillators[0]?.frequency.value).toBe(880);
    expect(c.closed).toBe(false);

    m.fake.emit('calls', { calls: [makeView(ringing, 'alice', { handledElsewhere: { deviceId: asDeviceId('bob-desk'), deviceName: 'desk', action: 'accepted' } })] });
    await settle();
    expect(c.closed).toBe(true);
    expect(m.find('screen-incoming')).toBeNull();
  });

  it('accepts from the ringing window and stops ringing', async () => {
    m = await mountApp({ fake: fake(), path: '/ringing/in1' });
    click(m.get('accept-video'));
    await settle();
    expect(m.fake.argsOf('callAccept')).toEqual([{ callID: 'in1', media: 'video' }]);
    expect(FakeAudioContext.made[0]?.closed).toBe(true);
  });

  it('stops when the window closes', async () => {
    m = await mountApp({ fake: fake(), path: '/ringing/in1' });
    m.unmount();
    m = null;
    expect(FakeAudioContext.made[0]?.closed).toBe(true);
  });

  it('is the only place that rings: the main window stays silent', async () => {
    m = await mountApp({ fake: fake(), path: '/call/in1' });
    expect(m.find('screen-incoming')).not.toBeNull();
    expect(FakeAudioContext.made).toHaveLength(0);
  });
});
