/**
 * In-call keyboard shortcuts, handled in the renderer while the window has focus (the global,
 * system-wide ones are main's). Ctrl+Shift on Windows and Linux, Cmd+Shift on macOS, as in Teams.
 */
export type CallShortcut = 'mic' | 'camera' | 'share';

const KEYS: Record<CallShortcut, string> = { mic: 'M', camera: 'O', share: 'E' };

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function isMac(platform: string): boolean {
  return /mac|iphone|ipad/iu.test(platform);
}

/** The control this key press toggles, or null. `code` is used first so a non-Latin layout still works. */
export function shortcutFor(e: KeyLike, mac: boolean): CallShortcut | null {
  const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (!mod || !e.shiftKey || e.altKey) return null;
  const letter = e.code?.startsWith('Key') ? e.code.slice(3) : e.key.toUpperCase();
  for (const [action, key] of Object.entries(KEYS) as [CallShortcut, string][]) if (key === letter) return action; // Object.entries loses the key type
  return null;
}

/** What the tooltip shows: "Ctrl+Shift+M", or "⌘⇧M" on macOS. */
export function shortcutLabel(action: CallShortcut, mac: boolean): string {
  return mac ? `⌘⇧${KEYS[action]}` : `Ctrl+Shift+${KEYS[action]}`;
}
