// The app's work at every sign-in, as the signaling benchmark's clients do it (bench/client-worker.ts).

export interface SignInStep {
  name: string;
  /** The request type sent. */
  type: string;
  data: (userId: string) => unknown;
}

/** The bench's user ids are `u` + a 6-digit index (bench/signaling.ts userName). */
const index = (userId: string): number => Number(userId.slice(1));
const nameOf = (i: number): string => `u${String(i).padStart(6, '0')}`;

/**
 * The people a signed-in app shows and so subscribes to: its favorites, the visible directory page
 * and recents, about 100 users. The bench takes the 100 users just below this one (every lower index
 * exists), topped up from above for the first hundred.
 */
export function shownUsers(userId: string, count = 100): string[] {
  const i = index(userId);
  const out: string[] = [];
  for (let j = Math.max(0, i - count); j < i; j++) out.push(nameOf(j));
  for (let j = i + 1; out.length < count; j++) out.push(nameOf(j));
  return out;
}

/**
 * What the desktop app sends after login/resume (src/main/app/DesktopCore.ts and
 * src/main/directory/DirectoryClient.ts): all at once; the sign-in counts as done when every one is
 * answered. A subscription to a user id with no account (the top-up above for tiny runs) is answered
 * as `unknown`, as the server would for a deleted favorite.
 */
export const SIGN_IN_STEPS: readonly SignInStep[] = [
  { name: 'queryCallInvitationList', type: 'queryCallInvitationList', data: () => ({ count: 50, nextFlag: 0 }) },
  { name: 'queryActiveCalls', type: 'queryActiveCalls', data: () => ({}) },
  { name: 'favoritesList', type: 'favoritesList', data: () => ({ limit: 50 }) },
  { name: 'recentsList', type: 'recentsList', data: () => ({ limit: 20 }) },
  { name: 'directoryPage', type: 'directorySearch', data: () => ({ query: '', limit: 50 }) },
  { name: 'presenceSubscribe', type: 'presenceSubscribe', data: (u) => ({ userIds: shownUsers(u) }) },
];
export const SIGN_IN_STEPS_NAMES: readonly string[] = SIGN_IN_STEPS.map((s) => s.name);

/**
 * `--sign-in-steps a,b` (storm mode): only these steps after the resume, to measure what each costs the
 * server; `none` is the resume alone. null (the flag absent) is the app's whole sign-in, the only
 * configuration a target is judged on. An unknown name is an error listing the known ones.
 */
export function parseSignInSteps(v: string | undefined): string[] | null {
  if (v === undefined) return null;
  if (v === 'none') return [];
  const names = v.split(',').map((x) => x.trim());
  const unknown = names.filter((n) => !SIGN_IN_STEPS_NAMES.includes(n));
  if (unknown.length > 0) throw new Error(`--sign-in-steps: unknown step(s) ${unknown.map((u) => `"${u}"`).join(', ')}; use "none" or some of ${SIGN_IN_STEPS_NAMES.join(',')}`);
  return SIGN_IN_STEPS_NAMES.filter((n) => names.includes(n));
}
/** Every step of the app's sign-in is now in the protocol and in the bench. */
export const MISSING_SIGN_IN_STEPS: readonly string[] = [];
