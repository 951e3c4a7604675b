import { z } from 'zod';

/** What IT management means for the UI: the effective policy and the updater, as plain data. */

export const LOCKABLE_SETTINGS = ['serverUrl', 'startAtLogin'] as const;
export type LockableSetting = (typeof LOCKABLE_SETTINGS)[number];

export const PolicyWarningSchema = z.object({
  /** Where the value came from: "HKLM\Software\Policies\Ringdesk", a plist path or a JSON file. */
  source: z.string(),
  /** The key, or null when the whole source could not be read. */
  key: z.string().nullable(),
  /** What is wrong, worded by the renderer (policyWarnings.<code>) with these params. */
  code: z.enum(['unreadable', 'notObject', 'unknownKey', 'tooLong', 'invalidValue', 'lockWithoutServer', 'insecureServer']),
  /** Technical details quoted as they are (the OS error, the value, the rule it broke, key names). */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type PolicyWarning = z.infer<typeof PolicyWarningSchema>;

export const PolicyInfoSchema = z.object({
  /** Settings the policy fixes: the settings screen shows them read-only. */
  locked: z.array(z.enum(LOCKABLE_SETTINGS)),
  /** Features the organisation allows (false = turned off by policy). */
  features: z.object({ video: z.boolean(), screenShare: z.boolean() }),
  /** Sources that set at least one value, highest precedence first. */
  sources: z.array(z.string()),
  /** Values that were ignored, and why: shown under Diagnostics. */
  warnings: z.array(PolicyWarningSchema),
});
export type PolicyInfo = z.infer<typeof PolicyInfoSchema>;

export const UPDATE_STATUSES = ['disabled', 'idle', 'checking', 'downloading', 'ready', 'error'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

export const UpdateStateSchema = z.object({
  status: z.enum(UPDATE_STATUSES),
  /** The version being downloaded or ready to install. */
  version: z.string().nullable(),
  /** Download progress, 0–100, while downloading. */
  percent: z.number().min(0).max(100).nullable(),
  /** Why updates are off, as a code the renderer words (updateReasons.<reason>). */
  reason: z.enum(['policyOff', 'notInstalled', 'noFeed']).nullable(),
  /** What went wrong, as the updater said it (technical, for diagnostics: never a sentence of ours). */
  detail: z.string().nullable(),
  /** "Restart to update" was asked for during a call: it happens when the call ends. */
  waitingForCall: z.boolean(),
});
export type UpdateState = z.infer<typeof UpdateStateSchema>;

export const NO_POLICY: PolicyInfo = { locked: [], features: { video: true, screenShare: true }, sources: [], warnings: [] };
