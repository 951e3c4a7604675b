import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { TypedEmitter } from '../../shared/events.ts';
import { SettingsSchema, type Notice, type Settings, type SettingsPatch } from '../../shared/ipc/model.ts';
import { describeIssues } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import { readFileIfExists, writeFileAtomic } from './jsonFile.ts';

const log = new Logger('Settings');

export type SettingsEvents = {
  changed: [settings: Settings];
};

/**
 * settings.json in the profile folder. A file that is not JSON or fails the schema is moved aside
 * (settings.corrupt-<time>.json, for support) and replaced by defaults: reported, never fatal.
 * Fields the schema does not know are dropped; missing ones take their defaults.
 */
export class SettingsStore extends TypedEmitter<SettingsEvents> {
  readonly #path: string;
  #settings: Settings = SettingsSchema.parse({});
  /** Set when loading had to reset the file. */
  readonly problem: Notice | null = null;
  /** IT policy laid over the user's settings on every read; the file keeps only the user's own. */
  #overlay: (s: Settings) => Settings = (s) => s;

  constructor(dir: string, now: () => number = Date.now) {
    super();
    this.#path = join(dir, 'settings.json');
    const raw = readFileIfExists(this.#path);
    if (raw === null) return;
    const why = ((): string | null => {
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return 'invalid JSON';
      }
      const r = SettingsSchema.safeParse(json);
      if (!r.success) return describeIssues(r.error);
      this.#settings = r.data;
      return null;
    })();
    if (why === null) return;
    const aside = join(dir, `settings.corrupt-${now()}.json`);
    renameSync(this.#path, aside);
    log.warn('settings file reset to defaults (%s); the old file is %s', why, aside);
    this.problem = { code: 'settingsReset', params: { why, aside }, at: now() };
    this.#write();
  }

  /** The settings in force: managed policy > the user's settings > defaults. */
  get(): Settings {
    return this.#overlay(this.#settings);
  }

  setOverlay(fn: (s: Settings) => Settings): void {
    this.#overlay = fn;
  }

  /** Applies a patch the IPC layer already validated; nested objects are replaced whole. */
  update(patch: SettingsPatch | Partial<Pick<Settings, 'missedSeenAt' | 'lastUserId' | 'serverUrl' | 'dndOsForced'>>): Settings {
    this.#settings = SettingsSchema.parse({ ...this.#settings, ...patch });
    this.#write();
    const now = this.get();
    this.emit('changed', now);
    return now;
  }

  #write(): void {
    writeFileAtomic(this.#path, `${JSON.stringify(this.#settings, null, 2)}\n`);
  }
}
