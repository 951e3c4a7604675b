import { EventEmitter } from 'node:events';

// The fake Electron's `app`: its paths, single-instance lock, login item and dock, recording every call.

class FakeApp extends EventEmitter {
  calls: unknown[][] = [];
  paths = new Map<string, string>([
    ['appData', '/home/u/.config'],
    ['userData', '/home/u/.config/ringdesk'],
    ['downloads', '/home/u/Downloads'],
  ]);
  isPackaged = false;
  gotLock = true;
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  dock: { bounce: (t?: string) => number; cancelBounce: (id: number) => void } | undefined = this.makeDock();
  makeDock(): { bounce: (t?: string) => number; cancelBounce: (id: number) => void } {
    return {
      bounce: (t?: string) => {
        this.calls.push(['dock.bounce', t]);
        return 42;
      },
      cancelBounce: (id: number) => {
        this.calls.push(['dock.cancelBounce', id]);
      },
    };
  }
  getPath(name: string): string {
    const p = this.paths.get(name);
    if (p === undefined) throw new Error(`no path ${name}`);
    return p;
  }
  setPath(name: string, value: string): void {
    this.calls.push(['setPath', name, value]);
    this.paths.set(name, value);
  }
  requestSingleInstanceLock(): boolean {
    this.calls.push(['requestSingleInstanceLock']);
    return this.gotLock;
  }
  setAsDefaultProtocolClient(...a: unknown[]): boolean {
    this.calls.push(['setAsDefaultProtocolClient', ...a]);
    return true;
  }
  whenReady(): Promise<void> {
    this.calls.push(['whenReady']);
    return Promise.resolve();
  }
  setBadgeCount(n?: number): boolean {
    this.calls.push(['setBadgeCount', n]);
    return true;
  }
  setAppUserModelId = (id: string): void => void this.calls.push(['setAppUserModelId', id]);
  quit = (): void => void this.calls.push(['quit']);
  exit = (code?: number): void => void this.calls.push(['exit', code]);
  getLoginItemSettings(o?: unknown): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    this.calls.push(['getLoginItemSettings', o]);
    return this.loginItem;
  }
  setLoginItemSettings(s: { openAtLogin?: boolean }): void {
    this.calls.push(['setLoginItemSettings', s]);
    this.loginItem = { ...this.loginItem, openAtLogin: s.openAtLogin ?? false };
  }
  getVersion = (): string => '1.2.3';
  getLocale = (): string => 'zh-CN';
  getSystemLocale = (): string => 'zh-CN';
}
export const app = new FakeApp();

/** Back to a fresh app (part of resetFake): no listeners or calls, a dock, the default flags and userData path. */
export function resetApp(): void {
  app.removeAllListeners();
  app.calls = [];
  app.dock = app.makeDock();
  app.isPackaged = false;
  app.gotLock = true;
  app.loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  app.paths.set('userData', '/home/u/.config/ringdesk');
}
