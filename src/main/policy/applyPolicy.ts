import { RingdeskError } from '../../shared/errors.ts';
import type { LockableSetting, PolicyInfo } from '../../shared/ipc/managed.ts';
import type { MediaKind, Settings, SettingsPatch } from '../../shared/ipc/model.ts';
import type { ManagedPolicy, ResolvedPolicy } from './Policy.ts';
import { checkServerSecurity } from './serverSecurity.ts';

/**
 * The one precedence order, managed policy > user settings > defaults, as pure functions over
 * the settings the user saved. The user's file never holds a policy value: the policy is laid
 * over it on every read, so removing a policy gives the user's own choice back.
 */
export function applyPolicy(s: Settings, p: ManagedPolicy): Settings {
  let out = s;
  // A locked URL always wins; an unlocked one is only the default for a user who has none.
  if (p.serverUrl && (p.serverUrl.locked || s.serverUrl === '')) out = { ...out, serverUrl: p.serverUrl.url };
  if (p.startAtLogin !== null) out = { ...out, startAtLogin: p.startAtLogin };
  // "Follow the system" is the built-in default: the policy's language replaces it.
  if (p.defaultLanguage !== null && s.language === 'system') out = { ...out, language: p.defaultLanguage };
  return out;
}

export function lockedSettings(p: ManagedPolicy): LockableSetting[] {
  const locked: LockableSetting[] = [];
  if (p.serverUrl?.locked) locked.push('serverUrl');
  if (p.startAtLogin !== null) locked.push('startAtLogin');
  return locked;
}

/** Refuses a change to a setting the policy fixes; the settings screen shows these read-only anyway. */
export function checkPatch(patch: SettingsPatch, p: ManagedPolicy): void {
  if (patch.startAtLogin !== undefined && p.startAtLogin !== null && patch.startAtLogin !== p.startAtLogin) {
    throw new RingdeskError('forbidden', 'Start at login is set by your organization and cannot be changed here.');
  }
}

/** Signing in to another server than the one the policy locks is refused, and so is ws:// off this machine unless allowed. */
export function checkServerUrl(url: string, p: ManagedPolicy): void {
  if (p.serverUrl?.locked && url !== p.serverUrl.url) {
    throw new RingdeskError('forbidden', `Your organization requires the server ${p.serverUrl.url}.`);
  }
  checkServerSecurity(url, p.allowInsecureServer);
}

/** Video calls (placing or answering with video) off by policy are refused before they reach the server. */
export function checkMedia(media: MediaKind, p: ManagedPolicy): void {
  if (media === 'video' && !p.features.video) throw new RingdeskError('forbidden', 'Video calls are turned off by your organization.');
}

export function policyInfo(r: ResolvedPolicy): PolicyInfo {
  return { locked: lockedSettings(r.policy), features: { ...r.policy.features }, sources: [...r.sources], warnings: [...r.warnings] };
}
