import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { asCallId, asUserId } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import { ElectronNotifier, type NotifierOptions } from './electronNotifier.ts';
import { FakeEvent, Notification, resetFake } from './fakeElectron.ts';
import type { IncomingCallActions, OsFocus } from './ports.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(() => resetFake());

const alert = { callID: asCallId('c7'), callerId: asUserId('alice'), callerName: 'Alice', media: 'video' as const, others: 2, linkNonce: 'n0nce_n0nce-n0nce_n0nc' };

function recorder() {
  const done: string[] = [];
  const actions: IncomingCallActions = {
    accept: (m) => done.push(`accept:${m}`),
    decline: () => done.push('decline'),
    open: () => done.push('open'),
  };
  return { done, actions };
}

const notifier = (o: Partial<NotifierOptions> = {}) => new ElectronNotifier({ platform: 'darwin', hasAppUserModelId: true, selfTestWaitMs: 20, ...o });
const last = (): Notification => {
  const n = Notification.all.at(-1);
  if (!n) throw new Error('no notification was created');
  return n;
};

describe('incoming call: macOS', () => {
  it('shows title, body and Accept/Decline buttons, silent', () => {
    notifier().showIncomingCall(alert, recorder().actions);
    expect(last().options).toMatchObject({
      title: 'Alice',
      body: 'Video call with you and 2 others',
      silent: true,
      actions: [
        { type: 'button', text: 'Accept' },
        { type: 'button', text: 'Decline' },
      ],
    });
    expect(last().shown).toBe(1);
  });

  it('maps the action index to accept (with the call media) and decline, and a click to open', () => {
    const { done, actions } = recorder();
    notifier().showIncomingCall(alert, actions);
    last().emit('action', new FakeEvent({ actionIndex: 0 }));
    last().emit('action', new FakeEvent({ actionIndex: 1 }));
    last().emit('action', new FakeEvent({ actionIndex: 5 }));
    last().emit('click', new FakeEvent());
    expect(done).toEqual(['accept:video', 'decline', 'open']);
  });

  it('close() closes the notification once', () => {
    const c = notifier().showIncomingCall(alert, recorder().actions);
    const n = last();
    const closes: number[] = [];
    n.on('close', () => closes.push(1));
    c.close();
    c.close();
    expect(n.closed).toBe(true);
    expect(closes).toHaveLength(1);
  });
});

describe('incoming call: Windows', () => {
  it('uses the incoming-call toast XML and listens to no in-process events (protocol links do it)', () => {
    const { done, actions } = recorder();
    notifier({ platform: 'win32' }).showIncomingCall(alert, actions);
    const xml = String(last().options['toastXml']);
    expect(xml).toContain('scenario="incomingCall"');
    expect(xml).toContain('arguments="ringdesk://notification/accept?callID=c7&amp;media=video&amp;nonce=n0nce_n0nce-n0nce_n0nc"');
    expect(last().listenerCount('action')).toBe(0);
    expect(last().listenerCount('click')).toBe(0);
    last().emit('click', new FakeEvent());
    expect(done).toEqual([]);
  });
});

describe('incoming call: Linux', () => {
  it('is critical and never times out; a click opens', () => {
    const { done, actions } = recorder();
    notifier({ platform: 'linux' }).showIncomingCall({ ...alert, media: 'audio', others: 0 }, actions);
    expect(last().options).toMatchObject({ title: 'Alice', body: 'Audio call', urgency: 'critical', timeoutType: 'never' });
    expect(last().options['actions']).toBeUndefined();
    last().emit('click', new FakeEvent());
    expect(done).toEqual(['open']);
  });

  it('shows nothing where notifications are unsupported', () => {
    Notification.supported = false;
    notifier({ platform: 'linux' }).showIncomingCall(alert, recorder().actions).close();
    expect(Notification.all).toHaveLength(0);
  });
});

describe('missed calls', () => {
  it('replaces the previous missed-call notification and opens on click', () => {
    const opened: number[] = [];
    const n = notifier();
    n.showMissedCall({ userId: 'bob', name: 'Bob' }, 1, () => opened.push(1));
    const first = last();
    expect(first.options).toMatchObject({ title: 'Missed call', body: 'From Bob' });
    n.showMissedCall({ userId: 'carol', name: 'Carol' }, 3, () => opened.push(3));
    expect(first.closed).toBe(true);
    expect(last().options).toMatchObject({ title: '3 missed calls', body: 'Latest from Carol' });
    last().emit('click', new FakeEvent());
    expect(opened).toEqual([3]);
  });
});

describe('language', () => {
  it('speaks zh-CN after setLocale: incoming-call buttons, Ignore and the missed-call text', () => {
    const n = notifier();
    n.setLocale('zh-CN');
    n.showIncomingCall(alert, recorder().actions);
    expect(last().options).toMatchObject({
      body: '与你和另外 2 人的视频通话',
      actions: [
        { type: 'button', text: '接听' },
        { type: 'button', text: '拒绝' },
      ],
      closeButtonText: '忽略',
    });
    n.showMissedCall({ userId: 'carol', name: 'Carol' }, 3, () => undefined);
    expect(last().options).toMatchObject({ title: '3 个未接来电', body: '最近一个来自 Carol' });
    n.setLocale('en');
    n.showMissedCall({ userId: 'bob', name: 'Bob' }, 1, () => undefined);
    expect(last().options).toMatchObject({ title: 'Missed call', body: 'From Bob' });
  });

  it('the Windows toast XML is in the notifier language', () => {
    const n = notifier({ platform: 'win32' });
    n.setLocale('zh-CN');
    n.showIncomingCall(alert, recorder().actions);
    expect(String(last().options.toastXml)).toContain('content="接听"');
    expect(String(last().options.toastXml)).toContain('content="拒绝"');
  });
});

describe('selfTest', () => {
  const focus = (f: OsFocus) => ({ read: () => Promise.resolve(f) });

  it('is ok when shown and nothing blocks it, and shows a real test notification', async () => {
    const check = await notifier({ platform: 'win32', appToastsEnabled: () => Promise.resolve(true), focus: focus({ active: false, source: null }) }).selfTest();
    expect(check).toEqual({ ok: true, problems: [] });
    expect(last().options['title']).toBe('Ringdesk notifications work');
    expect(last().shown).toBe(1);
  });

  it('reports unsupported alone', async () => {
    Notification.supported = false;
    const check = await notifier().selfTest();
    expect(check.ok).toBe(false);
    expect(check.problems.map((p) => p.code)).toEqual(['unsupported']);
  });

  it('Windows: no AppUserModelID, turned off for the app, and Focus Assist, each with its fix', async () => {
    const check = await notifier({
      platform: 'win32',
      hasAppUserModelId: false,
      appToastsEnabled: () => Promise.resolve(false),
      focus: focus({ active: true, source: 'focusAssist' }),
    }).selfTest();
    expect(check.ok).toBe(false);
    expect(check.problems.map((p) => p.code)).toEqual(['noAppUserModelId', 'disabledForApp', 'focusMode']);
    expect(check.problems.map((p) => p.fix)).toEqual(['noAppUserModelId', 'disabledForApp', 'focusModeWin32']);
  });

  it('an unknown per-app state or a failing probe is not a problem', async () => {
    const unknown = await notifier({ platform: 'win32', appToastsEnabled: () => Promise.resolve(null) }).selfTest();
    const failing = await notifier({ platform: 'win32', appToastsEnabled: () => Promise.reject(new Error('reg missing')) }).selfTest();
    expect(unknown.problems).toEqual([]);
    expect(failing.problems).toEqual([]);
  });

  it('macOS: a refused test notification is permissionDenied with the System Settings fix', async () => {
    Notification.onShow = 'failed';
    const check = await notifier({ platform: 'darwin', focus: focus({ active: true, source: 'macFocus' }) }).selfTest();
    expect(check.problems.map((p) => p.code)).toEqual(['focusMode', 'permissionDenied']);
    expect(check.problems.map((p) => p.fix)).toEqual(['focusModeDarwin', 'permissionDeniedDarwin']);
  });

  it('no word from the OS in time is not a failure', async () => {
    Notification.onShow = 'silent';
    expect(await notifier({ platform: 'linux' }).selfTest()).toEqual({ ok: true, problems: [] });
  });
});
