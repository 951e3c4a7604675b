import { afterEach, describe, expect, it } from 'vitest';
import { asCallId, type CallInfo } from '../../../shared/protocol/common.ts';
import { makeCall, makeContact, makeView, T0 } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const ended = { callState: 'ended' as const, endReason: 'allAnswered' as const, endedAt: T0 + 60_000 };
// alice is signed in (the fixture snapshot's session).
const answeredOut = makeCall({ callID: 'h1', ...ended, users: [{ userId: 'bob', state: 'accepted' }] });
const missedIn = makeCall({ callID: 'h2', inviter: 'bob', ...ended, users: [{ userId: 'alice', state: 'timeout' }] });
const busyOut = makeCall({ callID: 'h3', ...ended, users: [{ userId: 'carol', state: 'rejected', reason: 'busy' }] });
const declinedIn = makeCall({ callID: 'h4', inviter: 'carol', ...ended, users: [{ userId: 'alice', state: 'rejected', reason: 'declined' }] });
const cancelledIn = makeCall({ callID: 'h5', inviter: 'carol', ...ended, endReason: 'cancelled', users: [{ userId: 'alice', state: 'cancelled' }] });

function paged(pages: Record<number, { calls: CallInfo[]; nextFlag: number; durations?: Record<string, number> }>): FakeBridge {
  const fake = new FakeBridge({ contacts: [makeContact('bob', 'online', false, 'Bob Stone'), makeContact('carol')] });
  fake.handle('listHistory', (a) => pages[a.nextFlag] ?? { calls: [], nextFlag: 0 });
  return fake;
}

const ids = (): string[] => [...document.querySelectorAll('[data-testid="history-item"]')].map((e) => e.getAttribute('data-call-id') ?? '');
const row = (id: string): HTMLElement => {
  const el = document.querySelector<HTMLElement>(`[data-testid="history-item"][data-call-id="${id}"]`);
  if (!el) throw new Error(`no history row ${id}`);
  return el;
};

describe('history', () => {
  it('shows direction, peer, outcome and time per call', async () => {
    m = await mountApp({ fake: paged({ 0: { calls: [answeredOut, missedIn, busyOut, declinedIn], nextFlag: 0 } }), path: '/history' });
    expect(ids()).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(row('h1').getAttribute('data-direction')).toBe('outgoing');
    expect(row('h1').textContent).toContain('Bob Stone');
    expect(row('h1').textContent).toContain('Outgoing');
    expect(row('h1').querySelector('[data-testid="history-outcome"]')?.textContent).toBe('answered');
    expect(row('h2').getAttribute('data-direction')).toBe('incoming');
    expect(row('h2').querySelector('[data-testid="history-outcome"]')?.textContent).toBe('missed');
    expect(row('h3').querySelector('[data-testid="history-outcome"]')?.textContent).toBe('busy');
    expect(row('h4').querySelector('[data-testid="history-outcome"]')?.textContent).toBe('declined');
    // Grouped by day: the date heads the group, each row shows the time of day, kind and a call back.
    expect(m.text('history-day-date')).toMatch(/Jan 15, 2025/);
    expect(row('h1').querySelector('[data-testid="history-time"]')?.textContent).not.toMatch(/2025/);
    expect(row('h1').getAttribute('data-kind')).toBe('audio');
    expect(row('h1').querySelector('[data-testid="history-kind"]')?.textContent).toBe('Audio');
    expect(row('h1').querySelector('[data-testid="history-call-back"]')?.getAttribute('aria-label')).toBe('Call Bob Stone back');
    expect(m.find('history-more')).toBeNull();
  });

  it('calls back from a row, with the call\'s kind; video and group calls are marked', async () => {
    const video = makeCall({ callID: 'h6', ...ended, media: 'video', users: [{ userId: 'bob', state: 'accepted' }] });
    const group = makeCall({ callID: 'h7', ...ended, mode: 'advanced', users: [{ userId: 'bob', state: 'accepted' }, { userId: 'carol', state: 'accepted' }] });
    const fake = paged({ 0: { calls: [video, group], nextFlag: 0 } });
    fake.handle('callInvite', (a) => ({ call: makeView(makeCall({ callID: 'c-new', media: a.media, users: a.invitees.map((userId) => ({ userId, state: 'inviting' as const })) }), 'alice'), errorInvitees: [] }));
    m = await mountApp({ fake, path: '/history' });
    expect(row('h6').getAttribute('data-kind')).toBe('video');
    expect(row('h7').getAttribute('data-kind')).toBe('group');
    click(row('h6').querySelector<HTMLElement>('[data-testid="history-call-back"]') ?? document.body);
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['bob'], media: 'video', mode: 'normal' }]);
    await settle();
    expect(m.router.currentRoute.value.name).toBe('call');
  });

  it('a refused call back says why and stays on the history', async () => {
    const fake = paged({ 0: { calls: [answeredOut], nextFlag: 0 } });
    fake.fail('callInvite', 'already_in_call');
    m = await mountApp({ fake, path: '/history' });
    click(row('h1').querySelector<HTMLElement>('[data-testid="history-call-back"]') ?? document.body);
    await settle();
    expect(m.fake.argsOf('callInvite')).toHaveLength(1);
    expect(document.querySelector('[role="alert"]')?.getAttribute('data-code')).toBe('already_in_call');
    expect(m.router.currentRoute.value.name).toBe('history');
  });

  it('shows the duration once a call record says it', async () => {
    m = await mountApp({ fake: paged({ 0: { calls: [answeredOut], nextFlag: 0 } }), path: '/history' });
    expect(row('h1').querySelector('[data-testid="history-duration"]')).toBeNull();
    m.fake.emit('callRecord', {
      record: { callID: asCallId('h1'), inviter: answeredOut.inviter, mode: 'normal', createdAt: T0, endedAt: T0 + 60_000, durationMs: 125_000, endReason: 'allAnswered', participants: [] },
    });
    await settle();
    expect(row('h1').querySelector('[data-testid="history-duration"]')?.textContent).toBe('02:05');
  });

  it('shows the duration the page brings from the call records (a call that ended while the app was closed)', async () => {
    m = await mountApp({ fake: paged({ 0: { calls: [answeredOut], nextFlag: 0, durations: { h1: 125_000 } } }), path: '/history' });
    expect(row('h1').querySelector('[data-testid="history-duration"]')?.textContent).toBe('02:05');
  });

  it('shows no duration for a call answered and ended within a second ("00:00" would read as not connected)', async () => {
    m = await mountApp({ fake: paged({ 0: { calls: [answeredOut], nextFlag: 0, durations: { h1: 400 } } }), path: '/history' });
    expect(row('h1').querySelector('[data-testid="history-outcome"]')).not.toBeNull();
    expect(row('h1').querySelector('[data-testid="history-duration"]')).toBeNull();
  });

  it('pages with nextFlag and hides "more" at the end', async () => {
    m = await mountApp({
      fake: paged({
        0: { calls: [answeredOut, missedIn], nextFlag: 7 },
        7: { calls: [busyOut, declinedIn], nextFlag: 0 },
      }),
      path: '/history',
    });
    expect(ids()).toEqual(['h1', 'h2']);
    expect(m.find('history-more')).not.toBeNull();
    click(m.get('history-more'));
    await settle();
    expect(m.fake.argsOf('listHistory')).toEqual([
      { count: 20, nextFlag: 0 },
      { count: 20, nextFlag: 7 },
    ]);
    expect(ids()).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(m.find('history-more')).toBeNull();
  });

  it('filters missed calls: I was invited and neither answered nor declined', async () => {
    m = await mountApp({ fake: paged({ 0: { calls: [answeredOut, missedIn, busyOut, declinedIn, cancelledIn], nextFlag: 0 } }), path: '/history' });
    const filter = m.get('history-filter-missed') as HTMLInputElement;
    filter.checked = true;
    filter.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(ids()).toEqual(['h2', 'h5']);
    expect(m.router.currentRoute.value.query).toEqual({ filter: 'missed' });
    filter.checked = false;
    filter.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(ids()).toHaveLength(5);
  });

  it('opens filtered from /history?filter=missed and marks missed calls seen', async () => {
    const fake = paged({ 0: { calls: [answeredOut], nextFlag: 0 } });
    fake.snapshot = { ...fake.snapshot, missed: { count: 1, calls: [] } };
    m = await mountApp({ fake, path: '/history?filter=missed' });
    expect((m.get('history-filter-missed') as HTMLInputElement).checked).toBe(true);
    expect(m.text('history-empty')).toBe('No missed calls.');
    expect(m.fake.argsOf('markMissedSeen')).toEqual([{}]);
  });

  it('has an empty state and an error state', async () => {
    const fake = paged({});
    fake.fail('listHistory', 'not_signed_in');
    m = await mountApp({ fake, path: '/history' });
    expect(m.text('history-error')).toContain('You are signed out. Sign in first.');
    click(m.get('history-error').querySelector('button') as HTMLElement); // its only button: retry
    await settle();
    expect(m.find('history-error')).toBeNull();
    expect(m.text('history-empty')).toBe('No calls yet.');
  });
});
