import { describe, expect, it } from 'vitest';
import type { KeyLike } from './callShortcuts.ts';
import { prettyAccelerator, recordAccelerator } from './accelerator.ts';

const k = (o: Partial<KeyLike>): KeyLike => ({ key: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...o });

describe('shortcut recorder', () => {
  it('turns a key press into an accelerator', () => {
    expect(recordAccelerator(k({ key: 'A', code: 'KeyA', ctrlKey: true, shiftKey: true }))).toEqual({ accelerator: 'CommandOrControl+Shift+A' });
    expect(recordAccelerator(k({ key: 'j', code: 'KeyJ', metaKey: true, altKey: true }))).toEqual({ accelerator: 'CommandOrControl+Alt+J' });
    expect(recordAccelerator(k({ key: '5', code: 'Digit5', ctrlKey: true }))).toEqual({ accelerator: 'CommandOrControl+5' });
    expect(recordAccelerator(k({ key: 'F9' }))).toEqual({ accelerator: 'F9' });
    expect(recordAccelerator(k({ key: 'ArrowUp', altKey: true }))).toEqual({ accelerator: 'Alt+Up' });
  });
  it('waits while only modifiers are held, and refuses keys that would steal typing', () => {
    expect(recordAccelerator(k({ key: 'Control', ctrlKey: true }))).toEqual({ pending: true });
    expect(recordAccelerator(k({ key: 'a', code: 'KeyA' }))).toEqual({ invalid: true });
    expect(recordAccelerator(k({ key: 'A', code: 'KeyA', shiftKey: true }))).toEqual({ invalid: true });
    expect(recordAccelerator(k({ key: 'Dead', ctrlKey: true }))).toEqual({ invalid: true });
  });
  it('reads per platform', () => {
    expect(prettyAccelerator('CommandOrControl+Shift+A', false)).toBe('Ctrl+Shift+A');
    expect(prettyAccelerator('CommandOrControl+Shift+A', true)).toBe('⌘⇧A');
  });
});
