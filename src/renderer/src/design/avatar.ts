/**
 * Avatar colour and initials, pure so they are tested without a DOM. The colour is a stable hash of
 * the user id (never of the display name, which users change) into a palette where every entry
 * carries white text at WCAG AA (≥ 4.5:1; test/design/tokens.test.ts checks each one).
 */
export const AVATAR_PALETTE = ['#b03a2e', '#a5462a', '#8a5a00', '#3b7a1f', '#137a63', '#0f6f8f', '#2f5fbf', '#5b4bc4', '#8a3fa8', '#a8336b', '#5f6b7a', '#6b5d2f'] as const;

/** FNV-1a over UTF-16 code units: cheap, stable across runs and machines. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function avatarColor(userId: string): string {
  return AVATAR_PALETTE[hashId(userId) % AVATAR_PALETTE.length] ?? AVATAR_PALETTE[0];
}

/** "Bob Stone" → "BS", "alice" → "A", "王小明" → "王" (CJK names show one character, as in Teams). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter((w) => w.length > 0);
  const first = (w: string | undefined): string => (w ? ([...w][0] ?? '') : '');
  if (words.length === 0) return '?';
  if (/^\p{Script=Han}/u.test(words[0] ?? '')) return first(words[0]);
  const two = words.length > 1 ? first(words[0]) + first(words.at(-1)) : first(words[0]);
  return two.toUpperCase();
}
