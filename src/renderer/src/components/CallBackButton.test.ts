import { afterEach, describe, expect, it } from 'vitest';
import { asCallId, asUserId } from '../../../shared/protocol/common.ts';
import { makeCall, makeConnection, makeContact, makeSnapshot, makeView, T0 } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { mountApp, settle, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const ended = { callState: 'ended' as const, endReason: 'ended' as const, endedAt: T0 + 60_000 };
const contacts = [makeContact('bob', 'online', false, 'Bob Stone'), makeContact('carol', 'online', false, 'Carol')];

/** The one call-back button as each place shows it: its icon, its name, its look. */
function describeButton(el: Element | null): { icon: string; label: string | null; title: string | null; text: string; cls: string; disabled: boolean } {
  if (!(el instanceof HTMLButtonElement)) throw new Error('no call-back button');
  const svg = el.querySelector('svg');
  const icon = [...(svg?.classList ?? [])].find((c) => c.startsWith('lucide-') && c !== 'lucide') ?? '';
  return { icon, label: el.getAttribute('aria-label'), title: el.getAttribute('title'), text: (el.textContent ?? '').trim(), cls: [...el.classList].sort().join(' '), disabled: el.disabled };
}

/** Home with one missed call of each kind, the history with an audio, a video and a group call, and an ended video and audio call. */
async function places(fake: FakeBridge): Promise<Record<string, ReturnType<typeof describeButton>>> {
  const out: Record<string, ReturnType<typeof describeButton>> = {};
  m = await mountApp({ fake });
  const missed = [...document.querySelectorAll('[data-testid="missed-call-back"]')];
  out['missed-audio'] = describeButton(missed[1] ?? null);
  out['missed-video'] = describeButton(missed[0] ?? null);
  await m.router.push('/history');
  await settle();
  for (const id of ['h-audio', 'h-video', 'h-group']) out[id] = describeButton(document.querySelector(`[data-call-id="${id}"] [data-testid="history-call-back"]`));
  await m.router.push('/call/e-video');
  await settle();
  out['ended-video'] = describeButton(document.querySelector('[data-testid="call-back"]'));
  await m.router.push('/call/e-audio');
  await settle();
  out['ended-audio'] = describeButton(document.querySelector('[data-testid="call-back"]'));
  return out;
}

function fakeWith(online: boolean): FakeBridge {
  const endedVideo = makeView(makeCall({ callID: 'e-video', ...ended, media: 'video', users: [{ userId: 'bob', state: 'accepted' }] }), 'alice');
  const endedAudio = makeView(makeCall({ callID: 'e-audio', ...ended, users: [{ userId: 'bob', state: 'accepted' }] }), 'alice');
  const fake = new FakeBridge({ contacts, snapshot: makeSnapshot({ calls: [endedVideo, endedAudio], missed: { count: 2, calls: [{ callID: asCallId('m2'), from: asUserId('carol'), at: 2, media: 'video' }, { callID: asCallId('m1'), from: asUserId('bob'), at: 1, media: 'audio' }] } }) });
  if (!online) fake.snapshot = { ...fake.snapshot, connection: makeConnection('reconnecting', { at: T0, retryInMs: 5000 }) };
  fake.handle('listHistory', () => ({
    calls: [
      makeCall({ callID: 'h-audio', ...ended, users: [{ userId: 'bob', state: 'accepted' }] }),
      makeCall({ callID: 'h-video', ...ended, media: 'video', users: [{ userId: 'bob', state: 'accepted' }] }),
      makeCall({ callID: 'h-group', ...ended, mode: 'advanced', users: [{ userId: 'bob', state: 'accepted' }, { userId: 'carol', state: 'accepted' }] }),
    ],
    nextFlag: 0,
  }));
  return fake;
}

describe('CallBackButton, in the three places that call back', () => {
  it('an icon button named "Call {name} back" in lists; a green "Call back" text button on the ended card', async () => {
    const b = await places(fakeWith(true));
    expect(b).toEqual({
      'missed-audio': { icon: 'lucide-phone', label: 'Call Bob Stone back', title: 'Call Bob Stone back', text: '', cls: 'icon-button', disabled: false },
      'missed-video': { icon: 'lucide-video', label: 'Call Carol back', title: 'Call Carol back', text: '', cls: 'icon-button', disabled: false },
      'h-audio': { icon: 'lucide-phone', label: 'Call Bob Stone back', title: 'Call Bob Stone back', text: '', cls: 'call-back icon-button', disabled: false },
      'h-video': { icon: 'lucide-video', label: 'Call Bob Stone back', title: 'Call Bob Stone back', text: '', cls: 'call-back icon-button', disabled: false },
      'h-group': { icon: 'lucide-users', label: 'Call Bob Stone, Carol back', title: 'Call Bob Stone, Carol back', text: '', cls: 'call-back icon-button', disabled: false },
      'ended-video': { icon: 'lucide-video', label: null, title: null, text: 'Call back', cls: 'accept', disabled: false },
      'ended-audio': { icon: 'lucide-phone-call', label: null, title: null, text: 'Call back', cls: 'accept', disabled: false },
    });
  });

  it('cannot be pressed anywhere while the server is out of reach', async () => {
    const b = await places(fakeWith(false));
    expect(Object.entries(b).filter(([, x]) => !x.disabled).map(([k]) => k)).toEqual([]);
    expect(Object.keys(b)).toHaveLength(7);
  });
});
