/**
 * The shortcut recorder: a key press becomes an Electron accelerator ("CommandOrControl+Shift+A"),
 * so users press the keys instead of typing accelerator syntax. Pure, tested without a DOM.
 */
import type { KeyLike } from './callShortcuts.ts';

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'OS']);
const NAMED: Record<string, string> = {
  ' ': 'Space',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Enter: 'Enter',
  Escape: 'Escape',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
};

/** The key part: a letter or digit from the physical key (layout-independent), F1–F24, or a named key. */
function keyPart(e: KeyLike): string | null {
  if (e.code?.startsWith('Key')) return e.code.slice(3);
  if (e.code?.startsWith('Digit')) return e.code.slice(5);
  if (/^F([1-9]|1\d|2[0-4])$/u.test(e.key)) return e.key;
  return NAMED[e.key] ?? null;
}

export type Recorded = { accelerator: string } | { pending: true } | { invalid: true };

/**
 * A global shortcut needs Ctrl/Cmd or Alt (Shift alone would steal typing), except F-keys.
 * Modifier-only presses are "pending": the user is still holding keys down.
 */
export function recordAccelerator(e: KeyLike): Recorded {
  if (MODIFIER_KEYS.has(e.key)) return { pending: true };
  const key = keyPart(e);
  if (!key) return { invalid: true };
  const mods = [e.ctrlKey || e.metaKey ? 'CommandOrControl' : null, e.altKey ? 'Alt' : null, e.shiftKey ? 'Shift' : null].filter((x): x is string => x !== null);
  const fKey = /^F\d+$/u.test(key);
  if (!fKey && !mods.some((m) => m !== 'Shift')) return { invalid: true };
  return { accelerator: [...mods, key].join('+') };
}

/** How the accelerator reads on this platform: "Ctrl+Shift+A" or "⌘⇧A". */
export function prettyAccelerator(acc: string, mac: boolean): string {
  const parts = acc.split('+');
  if (!mac) return parts.map((p) => (p === 'CommandOrControl' || p === 'CmdOrCtrl' ? 'Ctrl' : p)).join('+');
  const sym: Record<string, string> = { CommandOrControl: '⌘', CmdOrCtrl: '⌘', Command: '⌘', Alt: '⌥', Option: '⌥', Shift: '⇧', Control: '⌃', Ctrl: '⌃' };
  return parts.map((p) => sym[p] ?? p).join('');
}
