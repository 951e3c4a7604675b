import type { Translator } from '../../shared/i18n/index.ts';
import type { MediaKind } from '../../shared/ipc/model.ts';

/**
 * The text and links of the incoming-call notification, with no Electron in sight so they can be
 * tested as plain strings. The core parses the `ringdesk://notification/…` links (deepLink.ts);
 * this file only builds them.
 */

export interface IncomingCallText {
  callID: string;
  /** The one-time nonce every link of this notification carries (NotificationNonces). */
  linkNonce: string;
  callerName: string;
  media: MediaKind;
  others: number;
}

/** "Video call", or "Audio call with you and 2 others" for a group invitation. */
export function incomingCallBody(t: Translator, media: MediaKind, others: number): string {
  if (others <= 0) return t(media === 'video' ? 'os.call.video' : 'os.call.audio');
  return t(media === 'video' ? 'os.call.videoGroup' : 'os.call.audioGroup', { n: others });
}

export type NotificationLinkAction = 'open' | 'accept' | 'decline';

/**
 * The protocol link a Windows toast launches; it reaches us as a second instance's argv. The
 * nonce proves the link came from a notification we showed: any web page can open the same URL.
 */
export function notificationLink(action: NotificationLinkAction, callID: string, nonce: string, media?: MediaKind): string {
  const q = new URLSearchParams({ callID });
  if (action === 'accept' && media) q.set('media', media);
  q.set('nonce', nonce);
  return `ringdesk://notification/${action}?${q.toString()}`;
}

/** Escapes text for an XML attribute or element body (the toast is parsed by Windows as XML). */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };


/**
 * A Windows toast in the incoming-call scenario: it stays on screen until acted on, uses call
 * styling, and every activation is a protocol link. Protocol activation works even after the
 * toast moved to Action Center and our in-process handlers are gone, which 'foreground'
 * activation of an unpackaged Win32 app does not.
 * Silent: the ringing window plays the ringtone, and two sounds at once would clash.
 */
export function buildIncomingCallToastXml(t: Translator, call: IncomingCallText): string {
  const attr = (s: string): string => `"${xmlEscape(s)}"`;
  return [
    `<toast scenario="incomingCall" useButtonStyle="true" launch=${attr(notificationLink('open', call.callID, call.linkNonce))} activationType="protocol">`,
    '<visual><binding template="ToastGeneric">',
    `<text hint-maxLines="1">${xmlEscape(call.callerName)}</text>`,
    `<text>${xmlEscape(incomingCallBody(t, call.media, call.others))}</text>`,
    '</binding></visual>',
    '<audio silent="true"/>',
    '<actions>',
    `<action content=${attr(t('os.call.accept'))} arguments=${attr(notificationLink('accept', call.callID, call.linkNonce, call.media))} activationType="protocol" hint-buttonStyle="Success"/>`,
    `<action content=${attr(t('os.call.decline'))} arguments=${attr(notificationLink('decline', call.callID, call.linkNonce))} activationType="protocol" hint-buttonStyle="Critical"/>`,
    '</actions>',
    '</toast>',
  ].join('');
}
