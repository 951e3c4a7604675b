import type { LANGUAGES } from '../ipc/constants.ts';
import en, { type Messages } from './en.ts';
import zhCN from './zh-CN.ts';

/**
 * The one message catalog for main and renderer. Plain objects, no vue-i18n here: the renderer
 * hands these to vue-i18n, main formats them with `translate` below. Same syntax both sides:
 * `{name}` interpolates and "one | many" is a plural picked by the `n` (or `count`) param.
 */
export const MESSAGES = { en, 'zh-CN': zhCN } as const;
export const APP_LOCALES = ['en', 'zh-CN'] as const;
export type AppLocale = (typeof APP_LOCALES)[number];
export type Language = (typeof LANGUAGES)[number];
export type { Messages };

/** The setting wins; 'system' follows the OS locale: any Chinese → zh-CN, else English. */
export function resolveLocale(language: Language, osLocale: string): AppLocale {
  if (language !== 'system') return language;
  return /^zh/i.test(osLocale) ? 'zh-CN' : 'en';
}

/** "a.b.c" for every string leaf of the catalog: a typo in a key is a type error. */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;
export type MessageParams = Readonly<Record<string, string | number>>;

function lookup(tree: unknown, key: string): string | null {
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : null;
}

/**
 * vue-i18n's plural choice for 2 and 3 forms ("none | one | many", "one | many"), so main and
 * renderer pick the same form for the same message.
 */
function pickPlural(message: string, params: MessageParams): string {
  const forms = message.split(/\s*\|\s*/);
  if (forms.length === 1) return message;
  const raw = params['n'] ?? params['count'];
  const n = typeof raw === 'number' ? Math.abs(raw) : 1;
  const idx = forms.length === 2 ? (n === 1 ? 0 : 1) : n === 0 ? 0 : n === 1 ? 1 : 2;
  return forms[Math.min(idx, forms.length - 1)] ?? message;
}

/** Formats a catalog message for main; English is the fallback, the key itself the last resort. */
export function translate(locale: AppLocale, key: MessageKey, params: MessageParams = {}): string {
  const message = lookup(MESSAGES[locale], key) ?? lookup(MESSAGES.en, key) ?? key;
  return pickPlural(message, params).replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/** A translator bound to one locale: what main's platform adapters hold. */
export type Translator = (key: MessageKey, params?: MessageParams) => string;
export const translatorFor = (locale: AppLocale): Translator => (key, params) => translate(locale, key, params);
