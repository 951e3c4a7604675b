import { describe, expect, it } from 'vitest';
import { deepLinkFromArgv, parseDeepLink } from './deepLink.ts';

const DIAL_REASON = 'expected ringdesk://call/<user id>';
const NONCE = 'n0nce_n0nce-n0nce_n0nc';
const NOTIFICATION_REASON = 'expected ringdesk://notification/<accept|decline|open>?callID=…';

describe('parseDeepLink: dial links', () => {
  it.each([
    ['ringdesk://call/alice', 'alice', 'audio'],
    ['ringdesk://call/alice?media=video', 'alice', 'video'],
    ['ringdesk://call/alice?media=audio', 'alice', 'audio'],
    ['ringdesk://call/alice?media=screen', 'alice', 'audio'],
    ['ringdesk://call/alice/', 'alice', 'audio'],
    ['ringdesk://call/Alice', 'alice', 'audio'],
    ['RINGDESK://call/ALICE?media=video', 'alice', 'video'],
    ['ringdesk://call/Al.Ice_2-b', 'al.ice_2-b', 'audio'],
    ['ringdesk://call/al%2Eice', 'al.ice', 'audio'],
    ['ringdesk://call/alice#fragment', 'alice', 'audio'],
  ])('%s → dial %s (%s)', (raw, userId, media) => {
    expect(parseDeepLink(raw)).toEqual({ kind: 'dial', userId, media });
  });
});

describe('parseDeepLink: notification links', () => {
  it.each([
    ['ringdesk://notification/accept?callID=c1', 'accept', 'c1', 'audio', null],
    ['ringdesk://notification/accept?callID=c1&media=video', 'accept', 'c1', 'video', null],
    ['ringdesk://notification/decline?callID=Call_9-x', 'decline', 'Call_9-x', 'audio', null],
    ['ringdesk://notification/open?media=video&callID=c2', 'open', 'c2', 'video', null],
    [`ringdesk://notification/accept?callID=c1&media=video&nonce=${NONCE}`, 'accept', 'c1', 'video', NONCE],
    // A nonce that is not 22 base64url characters is no nonce (DesktopInputs then ignores accept/decline).
    ['ringdesk://notification/accept?callID=c1&nonce=short', 'accept', 'c1', 'audio', null],
    [`ringdesk://notification/accept?callID=c1&nonce=${NONCE}x`, 'accept', 'c1', 'audio', null],
    [`ringdesk://notification/accept?callID=c1&nonce=${NONCE.slice(1)}%2F`, 'accept', 'c1', 'audio', null],
  ])('%s → %s %s (%s) nonce %s', (raw, action, callID, media, nonce) => {
    expect(parseDeepLink(raw)).toEqual({ kind: 'notification', action, callID, media, nonce });
  });
});

describe('parseDeepLink: invalid links', () => {
  it.each([
    ['', 'not a URL'],
    ['not a url', 'not a URL'],
    ['ringdesk//call/alice', 'not a URL'],
    ['https://call/alice', 'not a ringdesk: link'],
    ['http://ringdesk.example/call/alice', 'not a ringdesk: link'],
    ['file:///etc/passwd', 'not a ringdesk: link'],
    ['javascript:alert(1)', 'not a ringdesk: link'],
    ['ringdesks://call/alice', 'not a ringdesk: link'],
    ['ringdesk://settings/reset', 'unknown link "settings"'],
    ['ringdesk:///call/alice', 'unknown link ""'],
    ['ringdesk:call/alice', 'unknown link ""'],
    ['ringdesk://call', DIAL_REASON],
    ['ringdesk://call/', DIAL_REASON],
    ['ringdesk://call/alice/extra', DIAL_REASON],
    ['ringdesk://call/alice/bob?media=video', DIAL_REASON],
    ['ringdesk://call/..', DIAL_REASON],
    ['ringdesk://call/%2e%2e%2fetc%2fpasswd', DIAL_REASON],
    ['ringdesk://call/..%2F..%2Fadmin', DIAL_REASON],
    ['ringdesk://call/alice%2Fbob', DIAL_REASON],
    ['ringdesk://call/al%20ice', DIAL_REASON],
    ['ringdesk://call/-alice', DIAL_REASON],
    ['ringdesk://call/.alice', DIAL_REASON],
    ['ringdesk://call/al!ce', DIAL_REASON],
    [`ringdesk://call/${'a'.repeat(65)}`, DIAL_REASON],
    ['ringdesk://notification/accept', NOTIFICATION_REASON],
    ['ringdesk://notification/accept?callID=', NOTIFICATION_REASON],
    ['ringdesk://notification/accept?callid=c1', NOTIFICATION_REASON],
    ['ringdesk://notification/answer?callID=c1', NOTIFICATION_REASON],
    ['ringdesk://notification/?callID=c1', NOTIFICATION_REASON],
    ['ringdesk://notification/accept?callID=../c1', NOTIFICATION_REASON],
    ['ringdesk://notification/accept?callID=c%2F1', NOTIFICATION_REASON],
    [`ringdesk://notification/open?callID=${'c'.repeat(65)}`, NOTIFICATION_REASON],
  ])('%j → invalid: %s', (raw, reason) => {
    expect(parseDeepLink(raw)).toEqual({ kind: 'invalid', reason });
  });

  it.each(['ringdesk://call/%', 'ringdesk://call/%E0%A4%A'])('%j (malformed escape) → invalid, not a throw', (raw) => {
    expect(parseDeepLink(raw)).toEqual({ kind: 'invalid', reason: DIAL_REASON });
  });

  it('refuses extra path parts on a notification link', () => {
    expect(parseDeepLink('ringdesk://notification/accept/extra?callID=c1')).toEqual({ kind: 'invalid', reason: NOTIFICATION_REASON });
  });

  it.each(['ringdesk://call/../admin', 'ringdesk://call/alice/../bob'])('refuses dot segments in %j', (raw) => {
    expect(parseDeepLink(raw).kind).toBe('invalid');
  });

  it('treats the link host case-insensitively, like the scheme', () => {
    expect(parseDeepLink('RINGDESK://CALL/alice')).toEqual({ kind: 'dial', userId: 'alice', media: 'audio' });
  });
});

describe('deepLinkFromArgv', () => {
  it('finds the link among a second instance argv', () => {
    const argv = ['C:\\Program Files\\Ringdesk\\Ringdesk.exe', '--allow-file-access', 'ringdesk://call/alice?media=video'];
    expect(deepLinkFromArgv(argv)).toBe('ringdesk://call/alice?media=video');
  });

  it('returns the first link when there are several', () => {
    expect(deepLinkFromArgv(['app', 'ringdesk://call/a', 'ringdesk://call/b'])).toBe('ringdesk://call/a');
  });

  it.each([[[]], [['app', '--hidden']], [['app', 'ringdesk:call/alice']], [['app', 'https://ringdesk://call/alice']], [['app', ' ringdesk://call/alice']]])(
    'returns null for %j',
    (argv) => {
      expect(deepLinkFromArgv(argv)).toBeNull();
    },
  );
});
