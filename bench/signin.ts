// The app's work at every sign-in, as the signaling benchmark's clients do it (bench/client-worker.ts).

export interface SignInStep {
  name: string;
  /** The request type sent. */
  type: string;
  data: (userId: string) => unknown;
}

/**
 * What the desktop app sends after login/resume (src/main/app/DesktopCore.ts #onSession and
 * CallingClient): all at once; the sign-in counts as done when every one is answered.
 *
 * The directory protocol (issue 11 §1) is being built on another branch. When it lands, its three
 * steps are one line each here (shapes sketched; match them to the real schemas):
 *   { name: 'directoryPage', type: 'directorySearch', data: () => ({ query: '', cursor: null, limit: 50 }) },
 *   { name: 'favorites', type: 'favoritesList', data: () => ({ cursor: null, limit: 50 }) },
 *   { name: 'presenceSubscribe', type: 'presenceSubscribe', data: (u) => ({ userIds: neighbours(u, 100) }) },
 * and MISSING_SIGN_IN_STEPS loses them. Until then the app's `listContacts` (every user, what the
 * directory replaces) is deliberately not sent.
 */
export const SIGN_IN_STEPS: readonly SignInStep[] = [
  { name: 'queryCallInvitationList', type: 'queryCallInvitationList', data: () => ({ count: 50, nextFlag: 0 }) },
  { name: 'queryActiveCalls', type: 'queryActiveCalls', data: () => ({}) },
];
export const SIGN_IN_STEPS_NAMES: readonly string[] = SIGN_IN_STEPS.map((s) => s.name);
export const MISSING_SIGN_IN_STEPS: readonly string[] = ['directory page (limit 50)', 'favorites', 'presence subscription of 50–200 users'];
