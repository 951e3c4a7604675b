import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '../log/Logger.ts';
import type { UpdaterEvent, UpdaterPort } from '../update/UpdateController.ts';

const log = new Logger('Updater');

/** The part of electron-updater's AppUpdater we use; the tests pass a fake of it. */
export interface AppUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: { info(m: unknown): void; warn(m: unknown): void; error(m: unknown): void } | null;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'checking-for-update' | 'update-not-available', fn: () => void): unknown;
  on(event: 'update-available' | 'update-downloaded', fn: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', fn: (progress: { percent: number }) => void): unknown;
  on(event: 'error', fn: (error: Error) => void): unknown;
}

/** The build's feed from resources/app-update.yml; the `.invalid` placeholder and a missing file mean none. */
export function feedUrlFromAppUpdateYml(text: string | null): string | null {
  const url = text?.match(/^url:\s*['"]?([^'"\s]+)['"]?\s*$/m)?.[1] ?? null;
  if (!url || !/^https:\/\//.test(url)) return null;
  try {
    return new URL(url).hostname.endsWith('.invalid') ? null : url;
  } catch {
    return null;
  }
}

export interface ElectronUpdaterOptions {
  updater: AppUpdaterLike;
  /** app.isPackaged, and an OS we ship installers for. */
  supported: boolean;
  platform: NodeJS.Platform;
  /** process.resourcesPath, where electron-builder writes app-update.yml. */
  resourcesPath: string;
}

/** electron-updater behind the UpdaterPort: download in the background, install on request or at quit. */
export class ElectronUpdater implements UpdaterPort {
  readonly supported: boolean;
  readonly #o: ElectronUpdaterOptions;
  readonly #fns = new Set<(e: UpdaterEvent) => void>();

  constructor(o: ElectronUpdaterOptions) {
    this.#o = o;
    this.supported = o.supported;
    const u = o.updater;
    u.autoDownload = true;
    // A user who quits normally gets the update too; quitting never happens during a call by itself.
    u.autoInstallOnAppQuit = true;
    u.logger = { info: (m) => log.info('%s', m), warn: (m) => log.warn('%s', m), error: (m) => log.error('%s', m) };
    u.on('checking-for-update', () => this.#emit({ kind: 'checking' }));
    u.on('update-available', (info: { version: string }) => this.#emit({ kind: 'available', version: info.version }));
    u.on('update-not-available', () => this.#emit({ kind: 'notAvailable' }));
    u.on('download-progress', (p: { percent: number }) => this.#emit({ kind: 'progress', percent: p.percent }));
    u.on('update-downloaded', (info: { version: string }) => this.#emit({ kind: 'downloaded', version: info.version }));
    u.on('error', (e: Error) => this.#emit({ kind: 'error', message: e.message }));
  }

  builtInFeedUrl(): string | null {
    let text: string | null = null;
    try {
      text = readFileSync(join(this.#o.resourcesPath, 'app-update.yml'), 'utf8');
    } catch {
      text = null;
    }
    return feedUrlFromAppUpdateYml(text);
  }

  setFeedUrl(url: string): void {
    this.#o.updater.setFeedURL({ provider: 'generic', url });
  }

  async check(): Promise<void> {
    await this.#o.updater.checkForUpdates();
  }

  onEvent(fn: (e: UpdaterEvent) => void): () => void {
    this.#fns.add(fn);
    return () => this.#fns.delete(fn);
  }

  quitAndInstall(): void {
    // Windows: a silent NSIS run that starts Ringdesk again; macOS ignores both flags.
    this.#o.updater.quitAndInstall(this.#o.platform === 'win32', true);
  }

  #emit(e: UpdaterEvent): void {
    for (const fn of this.#fns) fn(e);
  }
}

/** Loads electron-updater only in the packaged app: touching its autoUpdater starts Electron-only code. */
export async function loadAutoUpdater(): Promise<AppUpdaterLike> {
  const mod = await import('electron-updater');
  // electron-updater is CommonJS: its exports arrive as the default import under ESM.
  return mod.default.autoUpdater;
}
