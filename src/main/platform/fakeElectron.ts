import { EventEmitter } from 'node:events';

/**
 * A stand-in for the `electron` module, for unit tests only (the Electron binary cannot run in
 * CI). Tests swap it in with `vi.mock('electron', () => import('./fakeElectron.ts'))`, then import
 * this file to drive it and to read what the code asked for. Everything records, nothing renders.
 * Call `resetFake()` in beforeEach.
 */

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

export const ipcMain = {
  handlers: new Map<string, (event: unknown, args: unknown) => unknown>(),
  handle(name: string, fn: (event: unknown, args: unknown) => unknown): void {
    if (this.handlers.has(name)) throw new Error(`Attempted to register a second handler for '${name}'`);
    this.handlers.set(name, fn);
  },
  removeHandler(name: string): void {
    this.handlers.delete(name);
  },
};

export class Notification extends EventEmitter {
  static supported = true;
  static all: Notification[] = [];
  static isSupported(): boolean {
    return Notification.supported;
  }
  /** What the next show() does: emit 'show', emit 'failed', or stay silent. */
  static onShow: 'show' | 'failed' | 'silent' = 'show';
  shown = 0;
  closed = false;
  readonly options: Record<string, unknown>;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    Notification.all.push(this);
  }
  show(): void {
    this.shown++;
    if (Notification.onShow === 'show') this.emit('show', new FakeEvent());
    if (Notification.onShow === 'failed') this.emit('failed', new FakeEvent(), 'not authorized');
  }
  close(): void {
    this.closed = true;
    this.emit('close', new FakeEvent());
  }
}

export class FakeImage {
  reps: { scaleFactor?: number; dataURL?: string }[] = [];
  template = false;
  readonly source: string;
  constructor(source = 'empty') {
    this.source = source;
  }
  addRepresentation(r: { scaleFactor?: number; dataURL?: string }): void {
    this.reps.push(r);
  }
  setTemplateImage(t: boolean): void {
    this.template = t;
  }
}

export const nativeImage = {
  createEmpty: (): FakeImage => new FakeImage(),
  createFromDataURL: (url: string): FakeImage => new FakeImage(url),
};

export interface FakeMenuItem {
  label?: string;
  type?: string;
  checked?: boolean;
  click?: () => void;
}
export const Menu = {
  buildFromTemplate: (items: FakeMenuItem[]): { items: FakeMenuItem[] } => ({ items }),
};

export class Tray extends EventEmitter {
  static all: Tray[] = [];
  image: FakeImage;
  images: FakeImage[] = [];
  tooltip = '';
  tooltipSets = 0;
  menu: { items: FakeMenuItem[] } | null = null;
  menuSets = 0;
  destroyed = false;
  constructor(image: FakeImage) {
    super();
    this.image = image;
    Tray.all.push(this);
  }
  setImage(image: FakeImage): void {
    this.image = image;
    this.images.push(image);
  }
  setToolTip(t: string): void {
    this.tooltip = t;
    this.tooltipSets++;
  }
  setContextMenu(m: { items: FakeMenuItem[] }): void {
    this.menu = m;
    this.menuSets++;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

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

export const dialog = {
  errors: new Array<{ title: string; content: string }>(),
  showErrorBox(title: string, content: string): void {
    this.errors.push({ title, content });
  },
  /** The button the "user" presses in the next message box, and the boxes shown. */
  nextResponse: 0,
  boxes: new Array<{ buttons: string[]; title?: string; message?: string }>(),
  showMessageBox(o: { buttons: string[]; title?: string; message?: string }): Promise<{ response: number }> {
    this.boxes.push({ buttons: o.buttons, title: o.title, message: o.message });
    return Promise.resolve({ response: this.nextResponse });
  },
};

export const desktopCapturer = {
  sources: [
    { id: 'screen:0:0', name: 'Entire screen' },
    { id: 'window:42:0', name: 'Notes' },
  ],
  getSources(): Promise<{ id: string; name: string }[]> {
    return Promise.resolve(this.sources);
  },
};

export const screen = {
  getCursorScreenPoint: (): { x: number; y: number } => ({ x: 10, y: 10 }),
  getDisplayNearestPoint: (): { workArea: { x: number; y: number; width: number; height: number } } => ({
    workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  }),
};

export const shell = {
  opened: new Array<string>(),
  shown: new Array<string>(),
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  },
  showItemInFolder(path: string): void {
    this.shown.push(path);
  },
};

export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable(): boolean {
    return this.available;
  },
  getSelectedStorageBackend(): string {
    return this.backend;
  },
  /** Reversible and visibly not plain text, which is all a unit test needs. */
  encryptString(s: string): Buffer {
    return Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a));
  },
  decryptString(b: Buffer): string {
    return Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8');
  },
};

export const globalShortcut = {
  registered: new Map<string, () => void>(),
  /** Accelerators "another app" holds. */
  taken: new Set<string>(),
  register(acc: string, fn: () => void): boolean {
    if (acc === 'Bogus+') throw new Error(`Failed to parse accelerator`);
    if (this.taken.has(acc) || this.registered.has(acc)) return false;
    this.registered.set(acc, fn);
    return true;
  },
  unregister(acc: string): void {
    this.registered.delete(acc);
  },
  unregisterAll(): void {
    this.registered.clear();
  },
};

export const powerMonitor = new EventEmitter();

export const net = {
  online: true,
  isOnline(): boolean {
    return this.online;
  },
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: new Array<{ channel: string; args: unknown }>(),
  invoke(channel: string, args: unknown): Promise<unknown> {
    ipcRenderer.invoked.push({ channel, args });
    return Promise.resolve({ ok: true, value: { echoed: channel } });
  },
});

/** Back to a clean slate between tests (module state outlives a test). */
export function resetFake(): void {
  BrowserWindow.all = [];
  Notification.all = [];
  Notification.supported = true;
  Notification.onShow = 'show';
  Tray.all = [];
  ipcMain.handlers.clear();
  app.removeAllListeners();
  app.calls = [];
  app.dock = app.makeDock();
  app.isPackaged = false;
  app.gotLock = true;
  app.loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  app.paths.set('userData', '/home/u/.config/ringdesk');
  dialog.errors = [];
  dialog.nextResponse = 0;
  dialog.boxes = [];
  shell.opened = [];
  shell.shown = [];
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  globalShortcut.registered.clear();
  globalShortcut.taken.clear();
  powerMonitor.removeAllListeners();
  net.online = true;
  contextBridge.exposed.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoked = [];
}
