import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { translatorFor, type MessageKey } from '../../shared/i18n/index.ts';
import type { TrayAction, TrayPort, TrayPresence, TrayState } from './ports.ts';
import { iconKey, iconPng, pngDataUrl, type IconGlyph, type IconSpec } from './trayIcons.ts';

/** Two frames swap at this pace while a call rings: visible, not frantic. */
export const RING_FRAME_MS = 500;

const PRESENCE_KEY = {
  online: 'os.tray.online',
  connecting: 'os.tray.connecting',
  offline: 'os.tray.offline',
  signedOut: 'os.tray.signedOut',
} as const satisfies Record<TrayPresence, MessageKey>;

/** "Ringdesk — online, do not disturb, 2 missed calls", in the state's language. */
export function trayTooltip(s: TrayState): string {
  const t = translatorFor(s.locale);
  const parts = [t(PRESENCE_KEY[s.presence])];
  if (s.ringing) parts.push(t('os.tray.incoming'));
  if (s.dnd === 'app') parts.push(t('os.tray.dnd'));
  if (s.dnd === 'os') parts.push(t('os.tray.dndOs'));
  if (s.missed > 0) parts.push(t('os.tray.missed', { n: s.missed }));
  return t('os.tray.tooltip', { state: parts.join(t('os.tray.separator')) });
}

export function trayMenuTemplate(s: TrayState, fire: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  const t = translatorFor(s.locale);
  return [
    { label: t('os.tray.show'), click: () => fire('show') },
    { type: 'separator' },
    {
      label: t(s.dnd === 'os' ? 'os.tray.dndItemOs' : 'os.tray.dndItem'),
      type: 'checkbox',
      checked: s.dnd !== 'off',
      click: () => fire('toggleDnd'),
    },
    { label: t('os.tray.missedItem', { n: s.missed }), click: () => fire('missedCalls') },
    { type: 'separator' },
    // Only once an update is downloaded; during a call it installs when the call ends.
    ...(s.updateReady ? [{ label: t('os.tray.restartToUpdate'), click: () => fire('restartToUpdate') }] : []),
    { label: t('os.tray.quit'), click: () => fire('quit') },
  ];
}

/** Which icon a state shows; frame 1 is the ringing frame. */
export function trayIconSpec(s: TrayState, frame: 0 | 1, template: boolean): IconSpec {
  return { glyph: frame === 1 ? 'ring' : glyphOf(s), badge: s.missed > 0, template };
}

function glyphOf(s: TrayState): IconGlyph {
  if (s.presence === 'connecting') return 'connecting';
  if (s.presence !== 'online') return 'offline';
  return s.dnd === 'off' ? 'online' : 'dnd';
}

const SIGNED_OUT: TrayState = { locale: 'en', presence: 'signedOut', dnd: 'off', missed: 0, ringing: false };

export interface TrayOptions {
  platform: NodeJS.Platform;
  frameMs?: number;
}

/** The tray icon: presence, DND and missed calls at a glance, animated while ringing. */
export class ElectronTray implements TrayPort {
  readonly #o: TrayOptions;
  readonly #tray: Tray;
  readonly #fns = new Set<(a: TrayAction) => void>();
  readonly #images = new Map<string, NativeImage>();
  #state: TrayState = SIGNED_OUT;
  #menuKey = '';
  #tooltip = '';
  #timer: ReturnType<typeof setInterval> | null = null;
  #frame: 0 | 1 = 0;

  constructor(o: TrayOptions) {
    this.#o = o;
    this.#tray = new Tray(this.#image(trayIconSpec(SIGNED_OUT, 0, this.#template)));
    // Windows and Linux users expect a left click to bring the window back; macOS opens the menu.
    if (o.platform !== 'darwin') this.#tray.on('click', () => this.#fire('show'));
    this.#apply(SIGNED_OUT, true);
  }

  get #template(): boolean {
    return this.#o.platform === 'darwin';
  }

  update(state: TrayState): void {
    this.#apply(state, false);
  }

  onAction(fn: (action: TrayAction) => void): () => void {
    this.#fns.add(fn);
    return () => {
      this.#fns.delete(fn);
    };
  }

  /** Whether the ringing animation runs (for tests and diagnostics). */
  get animating(): boolean {
    return this.#timer !== null;
  }

  destroy(): void {
    this.#stopAnimation();
    this.#tray.destroy();
  }

  #apply(state: TrayState, force: boolean): void {
    this.#state = { ...state };
    const tooltip = trayTooltip(state);
    if (force || tooltip !== this.#tooltip) this.#tray.setToolTip(tooltip);
    this.#tooltip = tooltip;
    // Rebuilding an open menu closes it on Windows: only do it when something in it changed.
    const menuKey = `${state.locale}|${state.dnd}|${state.missed}|${state.updateReady === true}`;
    if (force || menuKey !== this.#menuKey) this.#tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, (a) => this.#fire(a))));
    this.#menuKey = menuKey;
    if (state.ringing && !this.#timer) {
      this.#frame = 0;
      this.#timer = setInterval(() => {
        this.#frame = this.#frame === 0 ? 1 : 0;
        this.#showFrame();
      }, this.#o.frameMs ?? RING_FRAME_MS);
    } else if (!state.ringing) {
      this.#stopAnimation();
    }
    this.#showFrame();
  }

  #stopAnimation(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#frame = 0;
  }

  #showFrame(): void {
    this.#tray.setImage(this.#image(trayIconSpec(this.#state, this.#frame, this.#template)));
  }

  /** 16 px at 1x and 32 px at 2x, built once per variant. */
  #image(spec: IconSpec): NativeImage {
    const key = iconKey(spec);
    const cached = this.#images.get(key);
    if (cached) return cached;
    const img = nativeImage.createEmpty();
    // dataURL is the documented PNG input of addRepresentation (`buffer` is documented as raw bitmap).
    img.addRepresentation({ scaleFactor: 1, dataURL: pngDataUrl(iconPng(spec, 16)) });
    img.addRepresentation({ scaleFactor: 2, dataURL: pngDataUrl(iconPng(spec, 32)) });
    if (spec.template) img.setTemplateImage(true);
    this.#images.set(key, img);
    return img;
  }

  #fire(action: TrayAction): void {
    for (const fn of this.#fns) fn(action);
  }
}
