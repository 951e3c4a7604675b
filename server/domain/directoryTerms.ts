/**
 * The directory's matching rule, pure and shared by every store (docs/protocol.md, "Directory and
 * presence"): a user's search terms and a query's words are folded the same way, and a query
 * matches when each of its words is a prefix of one of the user's terms.
 */

/**
 * Bump when the rule changes: stores rebuild their index from the users table when it differs.
 * 2: letters with no Unicode decomposition fold to their base letters too (LATIN_BASE).
 */
export const DIRECTORY_TERMS_VERSION = 2;

const MAX_TERMS = 48;
const MAX_TERM_LENGTH = 64;
const MAX_QUERY_WORDS = 4;

/** Han, kana and Hangul: scripts whose names are written without spaces between the parts. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Latin letters that NFKD leaves whole (a stroke or a ligature, not a combining mark), as people type
 * them on an English keyboard: "soren" must find "Søren" and "lukasz" "Łukasz", as in Teams or Slack.
 * Lower case only: fold() lower-cases first.
 */
const LATIN_BASE: Readonly<Record<string, string>> = {
  'ø': 'o', 'ł': 'l', 'đ': 'd', 'ð': 'd', 'ħ': 'h', 'ŧ': 't', 'ı': 'i', 'ŀ': 'l', 'ƀ': 'b', 'ɨ': 'i',
  'æ': 'ae', 'œ': 'oe', 'ß': 'ss', 'þ': 'th', 'ĳ': 'ij',
};
const LATIN_BASE_RE = new RegExp(`[${Object.keys(LATIN_BASE).join('')}]`, 'gu');

/** NFKD, combining marks removed, lower case, LATIN_BASE: "Zoë" → "zoe", "Ｊｏｓé" → "jose", "Søren" → "soren". */
export function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(LATIN_BASE_RE, (c) => LATIN_BASE[c] ?? c);
}

/** Code-point-safe truncation, so a term never ends in half a surrogate pair. */
function clip(s: string): string {
  return [...s].slice(0, MAX_TERM_LENGTH).join('');
}

/**
 * Every term a user is found by: the user id; each space-separated word of the display name; the
 * parts of a word split at punctuation ("jean-luc" → "jean", "luc"); and, since CJK names have no
 * spaces, the rest of a word from every CJK character on ("张伟" → "张伟", "伟").
 */
export function searchTerms(userId: string, displayName: string): string[] {
  const out = new Set<string>([clip(fold(userId))]);
  for (const word of fold(displayName).split(/\s+/u)) {
    if (!word) continue;
    out.add(clip(word));
    for (const part of word.split(/[^\p{L}\p{N}]+/u)) {
      if (!part) continue;
      out.add(clip(part));
      const chars = [...part];
      for (let i = 1; i < chars.length; i++) if (CJK.test(chars[i] ?? '')) out.add(clip(chars.slice(i).join('')));
    }
    if (out.size >= MAX_TERMS) break;
  }
  return [...out].slice(0, MAX_TERMS);
}

/** The folded words of a query (at most four; the longest first, as the most selective one to scan). */
export function queryWords(query: string): string[] {
  const words = [...new Set(fold(query).split(/\s+/u).filter(Boolean).map(clip))];
  return words.sort((a, b) => b.length - a.length).slice(0, MAX_QUERY_WORDS);
}

/** The browse order: the folded display name (so "Émile" sorts with "Emile"), ties by user id. */
export function sortKey(displayName: string): string {
  return clip(fold(displayName).trim());
}

/**
 * The upper bound of a prefix range: every string that starts with `p` sorts before `p + U+10FFFF`
 * in a binary (UTF-8 or code point) collation, so `term >= p AND term < upper(p)` uses the index.
 */
export function prefixUpper(p: string): string {
  return `${p}\u{10FFFF}`;
}
