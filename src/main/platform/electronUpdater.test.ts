import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdaterEvent } from '../update/UpdateController.ts';
import { ElectronUpdater, feedUrlFromAppUpdateYml, type AppUpdaterLike } from './electronUpdater.ts';

/** A stand-in for electron-updater's autoUpdater: an emitter that records calls. */
class FakeAutoUpdater extends EventEmitter implements AppUpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: AppUpdaterLike['logger'] = null;
  readonly calls: unknown[][] = [];
  setFeedURL(options: { provider: 'generic'; url: string }): void {
    this.calls.push(['setFeedURL', options]);
  }
  checkForUpdates(): Promise<unknown> {
    this.calls.push(['checkForUpdates']);
    return Promise.resolve(null);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.calls.push(['quitAndInstall', isSilent, isForceRunAfter]);
  }
}

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('feedUrlFromAppUpdateYml', () => {
  it('reads the url electron-builder wrote, and treats the placeholder or nothing as no feed', () => {
    expect(feedUrlFromAppUpdateYml('provider: generic\nurl: https://updates.example.com/ringdesk/\nchannel: latest\n')).toBe('https://updates.example.com/ringdesk/');
    expect(feedUrlFromAppUpdateYml("url: 'https://u.example.com/x'\n")).toBe('https://u.example.com/x');
    expect(feedUrlFromAppUpdateYml('provider: generic\nurl: https://updates.ringdesk.invalid/\n')).toBeNull();
    expect(feedUrlFromAppUpdateYml('url: http://plain.example.com/\n')).toBeNull();
    expect(feedUrlFromAppUpdateYml(null)).toBeNull();
  });
});

describe('ElectronUpdater', () => {
  it('downloads in the background, installs at quit, and maps electron-updater events', () => {
    const u = new FakeAutoUpdater();
    const port = new ElectronUpdater({ updater: u, supported: true, platform: 'win32', resourcesPath: '/nowhere' });
    expect(u.autoDownload).toBe(true);
    expect(u.autoInstallOnAppQuit).toBe(true);
    expect(u.logger).not.toBeNull();
    const seen: UpdaterEvent[] = [];
    port.onEvent((e) => seen.push(e));
    u.emit('checking-for-update');
    u.emit('update-available', { version: '1.1.0' });
    u.emit('download-progress', { percent: 12.5 });
    u.emit('update-downloaded', { version: '1.1.0' });
    u.emit('update-not-available', {});
    u.emit('error', new Error('boom'));
    expect(seen).toEqual([
      { kind: 'checking' },
      { kind: 'available', version: '1.1.0' },
      { kind: 'progress', percent: 12.5 },
      { kind: 'downloaded', version: '1.1.0' },
      { kind: 'notAvailable' },
      { kind: 'error', message: 'boom' },
    ]);
  });

  it('sets a generic feed, checks, and installs silently on Windows (not on macOS)', async () => {
    const u = new FakeAutoUpdater();
    const win = new ElectronUpdater({ updater: u, supported: true, platform: 'win32', resourcesPath: '/nowhere' });
    win.setFeedUrl('https://corp/feed/');
    await win.check();
    win.quitAndInstall();
    const mac = new ElectronUpdater({ updater: u, supported: true, platform: 'darwin', resourcesPath: '/nowhere' });
    mac.quitAndInstall();
    expect(u.calls).toEqual([['setFeedURL', { provider: 'generic', url: 'https://corp/feed/' }], ['checkForUpdates'], ['quitAndInstall', true, true], ['quitAndInstall', false, true]]);
  });

  it('reads the built-in feed from resources/app-update.yml', () => {
    dir = mkdtempSync(join(tmpdir(), 'ringdesk-upd-'));
    const port = new ElectronUpdater({ updater: new FakeAutoUpdater(), supported: true, platform: 'darwin', resourcesPath: dir });
    expect(port.builtInFeedUrl()).toBeNull();
    writeFileSync(join(dir, 'app-update.yml'), 'provider: generic\nurl: https://updates.example.com/rd/\n');
    expect(port.builtInFeedUrl()).toBe('https://updates.example.com/rd/');
  });
});
