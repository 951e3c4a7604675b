import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow } from 'electron';

// The only place (with src/preload) allowed to import `electron`; the rest of
// src/main stays plain Node so it can run under tests and the CLI.

const here = fileURLToPath(new URL('.', import.meta.url));

export interface WindowOptions {
  /** Dev-server URL from electron-vite (`ELECTRON_RENDERER_URL`); unset in production. */
  readonly rendererUrl?: string | undefined;
}

export async function createMainWindow(options: WindowOptions = {}): Promise<BrowserWindow> {
  const win = new BrowserWindow({
    width: 1024,
    height: 720,
    title: 'Ringdesk',
    webPreferences: {
      // Paths are relative to the bundle in out/main.
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  if (options.rendererUrl !== undefined) {
    await win.loadURL(options.rendererUrl);
  } else {
    await win.loadFile(join(here, '../renderer/index.html'));
  }
  return win;
}

/** Starts Electron and opens the main window once it is ready. */
export async function startElectronApp(options: WindowOptions = {}): Promise<void> {
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  await app.whenReady();
  await createMainWindow(options);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createMainWindow(options);
  });
}
