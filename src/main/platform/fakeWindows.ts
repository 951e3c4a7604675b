import { EventEmitter } from 'node:events';

// The fake Electron's windows: BrowserWindow and what hangs off it (webContents, session), with the events they emit.

/** An Electron-style event: `preventDefault()` is remembered. */
export class FakeEvent {
  defaultPrevented = false;
  constructor(fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeSession {
  requestHandler: ((...a: unknown[]) => void) | null = null;
  checkHandler: ((...a: unknown[]) => boolean) | null = null;
  headersListener: ((details: unknown, cb: (r: unknown) => void) => void) | null = null;
  setPermissionRequestHandler(h: (...a: unknown[]) => void): void {
    this.requestHandler = h;
  }
  setPermissionCheckHandler(h: (...a: unknown[]) => boolean): void {
    this.checkHandler = h;
  }
  displayMediaHandler: ((request: unknown, callback: (streams: unknown) => void) => void) | null = null;
  setDisplayMediaRequestHandler(h: (request: unknown, callback: (streams: unknown) => void) => void): void {
    this.displayMediaHandler = h;
  }
  readonly webRequest = {
    onHeadersReceived: (l: (details: unknown, cb: (r: unknown) => void) => void): void => {
      this.headersListener = l;
    },
  };
}

export class FakeWebContents extends EventEmitter {
  sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((d: { url: string }) => unknown) | null = null;
  destroyed = false;
  url = '';
  /** One per page here (Electron shares one), so each test sees the handlers installed. */
  session = new FakeSession();
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(h: (d: { url: string }) => unknown): void {
    this.windowOpenHandler = h;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
}

export class BrowserWindow extends EventEmitter {
  static all: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  /** Every call the code made on this window, in order: `['show'], ['flashFrame', true]…`. */
  readonly calls: unknown[][] = [];
  destroyed = false;
  visible = false;
  minimized = false;
  loaded: { url?: string; file?: string; hash?: string } | null = null;
  readonly options: Record<string, unknown>;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    BrowserWindow.all.push(this);
  }
  #rec(...c: unknown[]): void {
    this.calls.push(c);
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    this.webContents.url = url;
    return Promise.resolve();
  }
  loadFile(file: string, o: { hash?: string } = {}): Promise<void> {
    this.loaded = { file, ...(o.hash === undefined ? {} : { hash: o.hash }) };
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.#rec('show');
  }
  showInactive(): void {
    this.visible = true;
    this.#rec('showInactive');
  }
  hide(): void {
    this.visible = false;
    this.#rec('hide');
  }
  restore(): void {
    this.minimized = false;
    this.#rec('restore');
  }
  focus = (): void => this.#rec('focus');
  moveTop = (): void => this.#rec('moveTop');
  isVisible = (): boolean => this.visible;
  isMinimized = (): boolean => this.minimized;
  isDestroyed = (): boolean => this.destroyed;
  setAlwaysOnTop = (flag: boolean, level?: string): void => this.#rec('setAlwaysOnTop', flag, level);
  setVisibleOnAllWorkspaces = (flag: boolean, o?: unknown): void => this.#rec('setVisibleOnAllWorkspaces', flag, o);
  flashFrame = (flag: boolean): void => this.#rec('flashFrame', flag);
  setOverlayIcon = (image: unknown, description: string): void => this.#rec('setOverlayIcon', image, description);
  /** Like a user closing it: 'close' can be prevented, otherwise the window is destroyed. */
  close(): void {
    const e = new FakeEvent();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

/** Back to no windows (part of resetFake). */
export function resetWindows(): void {
  BrowserWindow.all = [];
}
