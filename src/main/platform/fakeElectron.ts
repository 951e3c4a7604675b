import { EventEmitter } from 'node:events';
import { resetApp } from './fakeApp.ts';
import { FakeEvent, resetWindows } from './fakeWindows.ts';

/**
 * A stand-in for the `electron` module, for unit tests only (the Electron binary cannot run in
 * CI). Tests swap it in with `vi.mock('electron', () => import('./fakeElectron.ts'))`, then import
 * this file to drive it and to read what the code asked for. Everything records, nothing renders.
 * Call `resetFake()` in beforeEach. The windows (fakeWindows.ts) and `app` (fakeApp.ts) live in
 * their own files; they are re-exported here so the mock stays one module.
 */

export { app } from './fakeApp.ts';
export { BrowserWindow, FakeEvent, FakeSession, FakeWebContents } from './fakeWindows.ts';

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
  resetWindows();
  Notification.all = [];
  Notification.supported = true;
  Notification.onShow = 'show';
  Tray.all = [];
  ipcMain.handlers.clear();
  resetApp();
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
