import { CallIdSchema, UserIdSchema, type CallId, type UserId } from '../../shared/protocol/index.ts';
import { NONCE_PATTERN } from '../ringing/NotificationNonces.ts';

export type DeepLink =
  /** Opens the contact with Call focused; never dials by itself (the user presses Call). */
  | { kind: 'dial'; userId: UserId; media: 'audio' | 'video' }
  /**
   * Windows toast buttons activate the app through these (protocol activation). `nonce` is null
   * when absent or malformed; DesktopInputs acts on accept/decline only with a live one.
   */
  | { kind: 'notification'; action: 'accept' | 'decline' | 'open'; callID: CallId; media: 'audio' | 'video'; nonce: string | null };

export const PROTOCOL = 'ringdesk:';

/**
 * Parses `ringdesk://call/<user>[?media=video]` and the notification links. Anything else is
 * refused with a reason (these URLs come from outside the app: other programs, web pages).
 */
export function parseDeepLink(raw: string): DeepLink | { kind: 'invalid'; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: 'invalid', reason: 'not a URL' };
  }
  if (url.protocol !== PROTOCOL) return { kind: 'invalid', reason: `not a ${PROTOCOL} link` };
  const media = url.searchParams.get('media') === 'video' ? 'video' : 'audio';
  const parts = url.pathname.split('/').filter(Boolean);
  // `new URL` resolves dot segments (call/alice/../bob becomes call/bob): refuse them on the raw text.
  const dotted = /\/\.{1,2}(?:[/?#]|$)/.test(raw.replace(/%2e/gi, '.'));
  // WHATWG URL keeps an opaque host as typed; the scheme is case-insensitive, so the host is too.
  const host = url.hostname.toLowerCase();
  if (host === 'call') {
    const user = UserIdSchema.safeParse(safeDecode(parts[0] ?? '')?.toLowerCase());
    if (dotted || parts.length !== 1 || !user.success) return { kind: 'invalid', reason: 'expected ringdesk://call/<user id>' };
    return { kind: 'dial', userId: user.data, media };
  }
  if (host === 'notification') {
    const action = parts[0];
    const callID = CallIdSchema.safeParse(url.searchParams.get('callID'));
    if (dotted || parts.length !== 1 || (action !== 'accept' && action !== 'decline' && action !== 'open') || !callID.success) {
      return { kind: 'invalid', reason: 'expected ringdesk://notification/<accept|decline|open>?callID=…' };
    }
    const nonce = url.searchParams.get('nonce');
    return { kind: 'notification', action, callID: callID.data, media, nonce: nonce !== null && NONCE_PATTERN.test(nonce) ? nonce : null };
  }
  return { kind: 'invalid', reason: `unknown link "${url.hostname}"` };
}

/** A malformed escape (`%E0%A4%A`) is a refused link, not a thrown URIError. */
function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Finds our link among a second instance's command-line arguments (Windows and Linux). */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  return argv.find((a) => a.startsWith(`${PROTOCOL}//`)) ?? null;
}
