import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AVATAR_PALETTE, avatarColor, hashId, initials } from '../../src/renderer/src/design/avatar.ts';

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (ch[0] ?? 0) + 0.7152 * (ch[1] ?? 0) + 0.0722 * (ch[2] ?? 0);
}
export function contrast(a: string, b: string): number {
  const [lo, hi] = [luminance(a), luminance(b)].sort((x, y) => x - y);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/** The tokens as the app ships them: light from :root, dark overriding it. */
const css = readFileSync(resolve('src/renderer/src/styles/tokens.css'), 'utf8');
function block(src: string): Record<string, string> {
  return Object.fromEntries([...src.matchAll(/--([a-z0-9-]+):\s*(#[0-9a-f]{6})\s*;/giu)].map((m) => [m[1] ?? '', (m[2] ?? '').toLowerCase()]));
}
const darkAt = css.indexOf('@media (prefers-color-scheme: dark)');
const light = block(css.slice(0, darkAt));
const dark = { ...light, ...block(css.slice(darkAt)) };

// Every text colour the app draws, on every background it draws it on.
const PAIRS: [fg: string, bg: string][] = [
  ...['text', 'muted', 'accent', 'ok', 'warn', 'danger'].flatMap((fg) => ['bg', 'surface', 'surface-2'].map((bg): [string, string] => [fg, bg])),
  ['accent-text', 'accent'],
  ['on-fill', 'ok-fill'],
  ['on-fill', 'danger-fill'],
  ['on-fill', 'warn-fill'],
  ['stage-text', 'stage-bg'],
  ['stage-text', 'stage-tile'],
  ['stage-muted', 'stage-tile'],
  ['control-text', 'control-bg'],
  ['control-on-text', 'control-on-bg'],
  ['bg', 'text'],
];

describe('design tokens', () => {
  for (const [name, theme] of [['light', light], ['dark', dark]] as const) {
    it(`${name}: every text/background pair reaches WCAG AA (4.5:1)`, () => {
      const failing = PAIRS.flatMap(([fg, bg]) => {
        const f = theme[fg];
        const b = theme[bg];
        if (!f || !b) return [`${fg} on ${bg}: token missing`];
        const r = contrast(f, b);
        return r < 4.5 ? [`${fg} on ${bg}: ${r.toFixed(2)}:1`] : [];
      });
      expect(failing).toEqual([]);
    });
  }
  it('the edge of your own picture stands out from the stage and from a tile with the camera off (≥ 3:1 on the stage, WCAG 1.4.11)', () => {
    for (const theme of [light, dark]) {
      expect(contrast(theme['stage-edge'] ?? '', theme['stage-bg'] ?? '')).toBeGreaterThanOrEqual(3);
      expect(contrast(theme['stage-edge'] ?? '', theme['stage-tile'] ?? '')).toBeGreaterThanOrEqual(2);
    }
  });
  it('the dark Accept button is no longer white on light green (was 2.25:1)', () => {
    expect(contrast(dark['on-fill'] ?? '', dark['ok-fill'] ?? '')).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#ffffff', '#4cc27e')).toBeLessThan(4.5); // the checker does catch the old pair
  });
});

describe('avatars', () => {
  it('every palette colour carries white initials at AA', () => {
    for (const c of AVATAR_PALETTE) expect(contrast('#ffffff', c), c).toBeGreaterThanOrEqual(4.5);
  });
  it('the colour is stable per user id and spreads over the palette', () => {
    expect(avatarColor('alice')).toBe(avatarColor('alice'));
    expect(hashId('alice')).toBe(hashId('alice'));
    const used = new Set(Array.from({ length: 60 }, (_, i) => avatarColor(`user${i}`)));
    expect(used.size).toBeGreaterThan(6);
  });
  it('initials: two words, one word, CJK and empty', () => {
    expect(initials('Bob Stone')).toBe('BS');
    expect(initials('alice')).toBe('A');
    expect(initials('Mary Ann de Vries')).toBe('MV');
    expect(initials('王小明')).toBe('王');
    expect(initials('  ')).toBe('?');
  });
});
