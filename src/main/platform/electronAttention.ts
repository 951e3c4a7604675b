import { app, nativeImage, type BrowserWindow, type NativeImage } from 'electron';
import type { AttentionPort } from './ports.ts';
import { overlayBadgePng, pngDataUrl } from './trayIcons.ts';

export interface AttentionOptions {
  platform: NodeJS.Platform;
  /** The main window, or null while it does not exist (the flash and overlay live on it). */
  mainWindow(): BrowserWindow | null;
}

/**
 * Getting the user's eye while a call rings: the taskbar button flashes (Windows; Linux sets the
 * urgency hint the same way) or the dock icon bounces until cancelled (macOS, 'critical').
 * Missed calls show as the dock/launcher badge, or on Windows as an overlay on the taskbar button.
 */
export class ElectronAttention implements AttentionPort {
  readonly #o: AttentionOptions;
  #bounceId: number | null = null;
  #overlay: NativeImage | null = null;

  constructor(o: AttentionOptions) {
    this.#o = o;
  }

  request(): void {
    if (this.#o.platform === 'darwin') {
      // A new bounce each time would stack ids we could not cancel: keep the one that runs.
      if (this.#bounceId === null) this.#bounceId = app.dock?.bounce('critical') ?? null;
      return;
    }
    this.#window()?.flashFrame(true);
  }

  cancel(): void {
    if (this.#o.platform === 'darwin') {
      if (this.#bounceId !== null) app.dock?.cancelBounce(this.#bounceId);
      this.#bounceId = null;
      return;
    }
    this.#window()?.flashFrame(false);
  }

  setBadge(count: number): void {
    const n = Math.max(0, Math.floor(count));
    if (this.#o.platform !== 'win32') {
      // macOS dock badge; on Linux only Unity-style launchers show it (harmless elsewhere).
      app.setBadgeCount(n);
      return;
    }
    // The description is what screen readers announce for the taskbar button.
    this.#window()?.setOverlayIcon(n > 0 ? this.#overlayImage() : null, n > 0 ? `${n} missed ${n === 1 ? 'call' : 'calls'}` : '');
  }

  #window(): BrowserWindow | null {
    const win = this.#o.mainWindow();
    return win && !win.isDestroyed() ? win : null;
  }

  #overlayImage(): NativeImage {
    this.#overlay ??= nativeImage.createFromDataURL(pngDataUrl(overlayBadgePng(16)));
    return this.#overlay;
  }
}
