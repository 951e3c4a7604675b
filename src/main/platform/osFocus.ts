import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../log/Logger.ts';
import type { FocusPort, OsFocus } from './ports.ts';
import { errorMessage } from '../../shared/errors.ts';

const log = new Logger('Focus');

const SECOND = 1000;
/** Focus changes are rare and a late DND switch costs little: a slow poll is enough. */
export const FOCUS_POLL_MS = 30 * SECOND;
const PROBE_TIMEOUT = 5 * SECOND;

/*
 * The OS focus mode, best effort. None of the three OSes offers a public API Node can reach, so:
 *
 * - macOS: ~/Library/DoNotDisturb/DB/Assertions.json holds one record per Focus turned on by hand
 *   (or by a shortcut). It misses Focus modes turned on by a *schedule* (those live in
 *   ModeConfigurations.json as triggers), the format is private and may change, and recent macOS
 *   versions may refuse to let an app read it without Full Disk Access: then we report "off".
 * - Windows: HKCU\…\Notifications\Settings NOC_GLOBAL_SETTING_TOASTS_ENABLED = 0 means the user
 *   turned notifications off (Windows 11's "Do not disturb" toggle writes it). Focus Assist's
 *   automatic rules (presenting, gaming, scheduled hours) live in an undocumented binary blob and
 *   are NOT seen; the real API (SHQueryUserNotificationState) needs native code.
 * - Linux (GNOME): `gsettings get org.gnome.desktop.notifications show-banners` = false is GNOME's
 *   Do Not Disturb. Other desktops report "off".
 * docs/manual-checks.md lists how to check each by hand.
 */

/** macOS: Focus is on when the first store holds at least one assertion record. */
export function parseMacAssertions(json: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return false;
  }
  if (!isRecord(doc) || !Array.isArray(doc['data'])) return false;
  return doc['data'].some((store: unknown) => isRecord(store) && Array.isArray(store['storeAssertionRecords']) && store['storeAssertionRecords'].length > 0);
}

/** The value of one REG_DWORD in `reg query … /v <name>` output, or null when absent. */
export function parseRegDword(output: string, name: string): number | null {
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s+(\S+)\s+REG_DWORD\s+0x([0-9a-fA-F]+)\s*$/.exec(line);
    if (m && m[1]?.toLowerCase() === name.toLowerCase()) return Number.parseInt(m[2] ?? '', 16);
  }
  return null;
}

/** GNOME: `show-banners` false = Do Not Disturb on. */
export function parseGsettingsBool(output: string): boolean | null {
  const v = output.trim();
  return v === 'true' ? true : v === 'false' ? false : null;
}

export const WINDOWS_NOTIFICATION_SETTINGS = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Notifications\\Settings';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Runs a probe command; a missing value or tool answers '' (reg exits 1 when the value is not set). */
export function runProbe(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: PROBE_TIMEOUT, windowsHide: true, encoding: 'utf8' }, (err, stdout) => resolve(err ? '' : stdout));
  });
}

/** Windows' per-app notification switch: false when the user turned Ringdesk's notifications off. */
export async function windowsAppToastsEnabled(appUserModelId: string, run = runProbe): Promise<boolean | null> {
  const out = await run('reg', ['query', `${WINDOWS_NOTIFICATION_SETTINGS}\\${appUserModelId}`, '/v', 'Enabled']);
  const v = parseRegDword(out, 'Enabled');
  return v === null ? null : v !== 0;
}

export interface FocusOptions {
  platform: NodeJS.Platform;
  /** Test seams. */
  run?: (cmd: string, args: string[]) => Promise<string>;
  readText?: (path: string) => Promise<string>;
  pollMs?: number;
}

const OFF: OsFocus = { active: false, source: null };

export class OsFocusPort implements FocusPort {
  readonly #o: FocusOptions;
  readonly #fns = new Set<(f: OsFocus) => void>();
  #last: OsFocus | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #warned = false;

  constructor(o: FocusOptions) {
    this.#o = o;
  }

  async read(): Promise<OsFocus> {
    const f = await this.#probe();
    this.#last = f;
    return f;
  }

  /** Polls while someone listens; fires only when the state changes. */
  onChange(fn: (focus: OsFocus) => void): () => void {
    this.#fns.add(fn);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#poll(), this.#o.pollMs ?? FOCUS_POLL_MS);
      this.#timer.unref?.();
    }
    return () => {
      this.#fns.delete(fn);
      if (this.#fns.size === 0) this.dispose();
    };
  }

  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #poll(): Promise<void> {
    const before = this.#last;
    const now = await this.#probe();
    this.#last = now;
    if (before && before.active === now.active && before.source === now.source) return;
    if (!before && !now.active) return;
    for (const fn of this.#fns) fn(now);
  }

  async #probe(): Promise<OsFocus> {
    const run = this.#o.run ?? runProbe;
    try {
      switch (this.#o.platform) {
        case 'darwin': {
          const path = join(homedir(), 'Library/DoNotDisturb/DB/Assertions.json');
          const text = await (this.#o.readText ?? ((p: string) => readFile(p, 'utf8')))(path);
          return parseMacAssertions(text) ? { active: true, source: 'macFocus' } : OFF;
        }
        case 'win32': {
          const out = await run('reg', ['query', WINDOWS_NOTIFICATION_SETTINGS, '/v', 'NOC_GLOBAL_SETTING_TOASTS_ENABLED']);
          return parseRegDword(out, 'NOC_GLOBAL_SETTING_TOASTS_ENABLED') === 0 ? { active: true, source: 'focusAssist' } : OFF;
        }
        case 'linux': {
          const out = await run('gsettings', ['get', 'org.gnome.desktop.notifications', 'show-banners']);
          return parseGsettingsBool(out) === false ? { active: true, source: 'quietHours' } : OFF;
        }
        default:
          return OFF;
      }
    } catch (e) {
      // Missing file = no Focus ever set; EPERM = macOS privacy protection. Either way: "off".
      if (!this.#warned && !(isRecord(e) && e['code'] === 'ENOENT')) {
        this.#warned = true;
        log.warn('cannot read the OS focus state: %s', errorMessage(e));
      }
      return OFF;
    }
  }
}
