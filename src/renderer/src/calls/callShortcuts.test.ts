import { describe, expect, it } from 'vitest';
import { isMac, shortcutFor, shortcutLabel, type KeyLike } from './callShortcuts.ts';

const key = (k: Partial<KeyLike>): KeyLike => ({ key: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...k });

describe('in-call shortcuts', () => {
  it('Ctrl+Shift+M/O/E on Windows and Linux', () => {
    expect(shortcutFor(key({ key: 'M', code: 'KeyM', ctrlKey: true, shiftKey: true }), false)).toBe('mic');
    expect(shortcutFor(key({ key: 'O', code: 'KeyO', ctrlKey: true, shiftKey: true }), false)).toBe('camera');
    expect(shortcutFor(key({ key: 'E', code: 'KeyE', ctrlKey: true, shiftKey: true }), false)).toBe('share');
  });
  it('Cmd+Shift on macOS, and Ctrl there does nothing', () => {
    expect(shortcutFor(key({ key: 'm', code: 'KeyM', metaKey: true, shiftKey: true }), true)).toBe('mic');
    expect(shortcutFor(key({ key: 'm', code: 'KeyM', ctrlKey: true, shiftKey: true }), true)).toBeNull();
  });
  it('needs both modifiers, and no Alt; other letters are not ours', () => {
    expect(shortcutFor(key({ key: 'M', code: 'KeyM', ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key({ key: 'M', code: 'KeyM', shiftKey: true }), false)).toBeNull();
    expect(shortcutFor(key({ key: 'M', code: 'KeyM', ctrlKey: true, shiftKey: true, altKey: true }), false)).toBeNull();
    expect(shortcutFor(key({ key: 'X', code: 'KeyX', ctrlKey: true, shiftKey: true }), false)).toBeNull();
  });
  it('uses the physical key, so a non-Latin layout works', () => {
    expect(shortcutFor(key({ key: 'ь', code: 'KeyM', ctrlKey: true, shiftKey: true }), false)).toBe('mic');
  });
  it('labels', () => {
    expect(shortcutLabel('mic', false)).toBe('Ctrl+Shift+M');
    expect(shortcutLabel('share', true)).toBe('⌘⇧E');
    expect(isMac('MacIntel')).toBe(true);
    expect(isMac('Win32')).toBe(false);
  });
});
