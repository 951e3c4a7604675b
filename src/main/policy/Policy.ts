import { z } from 'zod';
import { LANGUAGES } from '../../shared/ipc/constants.ts';
import type { PolicyWarning } from '../../shared/ipc/managed.ts';
import { transportVerdict } from './serverSecurity.ts';

/**
 * IT policy: the keys an administrator may set, how each raw value is read, and how several
 * sources combine. Pure: the platform reads the registry, plists and files (PolicyPort) and hands
 * over raw values; everything that decides is here, so it is tested on any OS.
 *
 * Precedence between sources is the order the port returns them (machine before user before
 * file). Per key, the first source with a *valid* value wins; an invalid value is ignored with a
 * warning, and never stops the app.
 */

/** Registry DWORD 0/1, plist and JSON booleans, and the strings an admin might type. */
const Bool = z.union([
  z.boolean(),
  z.union([z.literal(0), z.literal(1)]).transform((n) => n === 1),
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((s) => s === 'true' || s === '1' || s === 'yes'),
]);
const WsUrl = z
  .string()
  .trim()
  .regex(/^wss?:\/\/[^\s/]+\S*$/, 'must be a ws:// or wss:// URL');
const HttpsUrl = z
  .string()
  .trim()
  .regex(/^https:\/\/[^\s/]+\S*$/, 'must be an https:// URL');
const Language = z.enum(LANGUAGES);

/** Every policy key, as IT writes it in the registry, a plist or the JSON file. */
export const POLICY_KEYS = {
  ServerUrl: WsUrl,
  /** With ServerUrl: users cannot change it. Without: ServerUrl is only the default. */
  ServerUrlLocked: Bool,
  /** false turns the updater off entirely (no check, no download). */
  AutoUpdate: Bool,
  UpdateFeedUrl: HttpsUrl,
  /** Forces start at login on (true) or off (false); users cannot change it. */
  StartAtLogin: Bool,
  /** The language when the user has not picked one ("system"). */
  DefaultLanguage: Language,
  DisableVideo: Bool,
  DisableScreenShare: Bool,
  /** Allows signing in over unencrypted ws:// to other machines (a lab, or a trusted TLS proxy on the path). */
  AllowInsecureServer: Bool,
} as const;
export type PolicyKey = keyof typeof POLICY_KEYS;
const KEY_NAMES = Object.keys(POLICY_KEYS) as PolicyKey[]; // Object.keys loses the literal key type
type Values = { [K in PolicyKey]?: z.infer<(typeof POLICY_KEYS)[K]> };

/** One source as the platform read it: raw values, or why it could not be read. */
export type PolicySourceReading = { name: string; values: unknown } | { name: string; error: string };

export interface ManagedPolicy {
  serverUrl: { url: string; locked: boolean } | null;
  /** null: not set by policy (updates on when a feed is known). */
  autoUpdate: boolean | null;
  updateFeedUrl: string | null;
  /** Forced value, or null when the user decides. */
  startAtLogin: boolean | null;
  defaultLanguage: (typeof LANGUAGES)[number] | null;
  features: { video: boolean; screenShare: boolean };
  /** ws:// to a server that is not on this machine is allowed (else refused with insecure_server). */
  allowInsecureServer: boolean;
}

export interface ResolvedPolicy {
  policy: ManagedPolicy;
  /** Sources that set at least one valid value, highest precedence first. */
  sources: string[];
  warnings: PolicyWarning[];
}

export const EMPTY_POLICY: ManagedPolicy = {
  serverUrl: null,
  autoUpdate: null,
  updateFeedUrl: null,
  startAtLogin: null,
  defaultLanguage: null,
  features: { video: true, screenShare: true },
  allowInsecureServer: false,
};

const MAX_STRING = 2048;

function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Combines the sources (highest precedence first) into one policy, with a warning for every value ignored. */
export function resolvePolicy(readings: readonly PolicySourceReading[]): ResolvedPolicy {
  const warnings: PolicyWarning[] = [];
  const taken: Values = {};
  const used = new Set<string>();
  for (const r of readings) {
    if ('error' in r) {
      warnings.push({ source: r.name, key: null, code: 'unreadable', params: { error: r.error } });
      continue;
    }
    if (r.values === null || typeof r.values !== 'object' || Array.isArray(r.values)) {
      warnings.push({ source: r.name, key: null, code: 'notObject', params: {} });
      continue;
    }
    for (const [rawKey, raw] of Object.entries(r.values)) {
      // Registry names are case-insensitive, and admins type them by hand.
      const key = KEY_NAMES.find((k) => k.toLowerCase() === rawKey.toLowerCase());
      if (!key) {
        warnings.push({ source: r.name, key: rawKey, code: 'unknownKey', params: { known: KEY_NAMES.join(', ') } });
        continue;
      }
      if (typeof raw === 'string' && raw.length > MAX_STRING) {
        warnings.push({ source: r.name, key, code: 'tooLong', params: { max: MAX_STRING } });
        continue;
      }
      const parsed = POLICY_KEYS[key].safeParse(raw);
      if (!parsed.success) {
        const why = parsed.error.issues[0]?.message ?? 'invalid';
        warnings.push({ source: r.name, key, code: 'invalidValue', params: { value: describe(raw), why } });
        continue;
      }
      if (key in taken) continue; // a higher-precedence source already set it
      Object.assign(taken, { [key]: parsed.data });
      used.add(r.name);
    }
  }
  if (taken.ServerUrlLocked === true && taken.ServerUrl === undefined) {
    warnings.push({ source: 'policy', key: 'ServerUrlLocked', code: 'lockWithoutServer', params: {} });
  }
  if (taken.ServerUrl !== undefined && taken.AllowInsecureServer !== true && transportVerdict(taken.ServerUrl, false) === 'insecure') {
    warnings.push({ source: 'policy', key: 'ServerUrl', code: 'insecureServer', params: {} });
  }
  const policy: ManagedPolicy = {
    serverUrl: taken.ServerUrl === undefined ? null : { url: taken.ServerUrl, locked: taken.ServerUrlLocked === true },
    autoUpdate: taken.AutoUpdate ?? null,
    updateFeedUrl: taken.UpdateFeedUrl ?? null,
    startAtLogin: taken.StartAtLogin ?? null,
    defaultLanguage: taken.DefaultLanguage ?? null,
    features: { video: taken.DisableVideo !== true, screenShare: taken.DisableScreenShare !== true },
    allowInsecureServer: taken.AllowInsecureServer === true,
  };
  return { policy, sources: readings.map((r) => r.name).filter((n) => used.has(n)), warnings };
}
