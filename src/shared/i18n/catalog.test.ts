import { describe, expect, it } from 'vitest';
import en from './en.ts';
import { MESSAGES, resolveLocale, translate, type MessageKey } from './index.ts';
import zhCN from './zh-CN.ts';

type Tree = { readonly [k: string]: string | Tree };

function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(path, v);
    else for (const [p, s] of leaves(v, path)) out.set(p, s);
  }
  return out;
}
/** The distinct placeholder names of a message (plural forms repeat them). */
const placeholders = (s: string): string[] => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();

// One catalog for main and renderer: these cover the OS text main draws (os.*) as much as the UI's.
describe('the catalog: en and zh-CN in parity', () => {
  const enKeys = leaves(en);
  const zhKeys = leaves(zhCN);

  it('en and zh-CN have exactly the same keys, main\'s included', () => {
    expect([...zhKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
    expect(enKeys.size).toBeGreaterThan(150);
    for (const k of ['os.tray.quit', 'os.call.accept', 'noticeDetails.settingsReset', 'problemDetails.focusModeWin32', 'updateReasons.noFeed']) expect(enKeys.has(k)).toBe(true);
  });

  it('each message uses the same placeholders in both languages; Chinese may drop plural forms, never add them', () => {
    for (const [k, s] of enKeys) {
      const zh = zhKeys.get(k) ?? '';
      expect({ k, p: placeholders(zh), moreForms: zh.split('|').length > s.split('|').length }).toEqual({ k, p: placeholders(s), moreForms: false });
    }
  });

  it('no message is empty in either language', () => {
    for (const [lang, keys] of [['en', enKeys], ['zh-CN', zhKeys]] as const) {
      for (const [k, s] of keys) expect({ lang, k, empty: s.trim() === '' }).toEqual({ lang, k, empty: false });
    }
    expect(zhKeys.get('signin.submit')).toMatch(/[\u4e00-\u9fff]/);
    expect(zhKeys.get('os.tray.quit')).toMatch(/[\u4e00-\u9fff]/);
  });

  it('never uses vue-i18n\'s special characters unescaped (a bare at-sign, or braces around anything but a name)', () => {
    for (const [lang, keys] of [['en', enKeys], ['zh-CN', zhKeys]] as const) {
      for (const [k, s] of keys) expect({ lang, k, bad: /@|\{(?!\w+\})/.test(s) }).toEqual({ lang, k, bad: false });
    }
  });
});

describe('translate (main)', () => {
  it('interpolates {name}, picks plural forms like vue-i18n, and falls back to English, then to the key', () => {
    expect(translate('en', 'os.call.missedFrom', { name: 'Bob' })).toBe('From Bob');
    expect(translate('zh-CN', 'os.call.missedFrom', { name: 'Bob' })).toBe('来自 Bob');
    expect(translate('en', 'os.tray.missed', { n: 1 })).toBe('1 missed call');
    expect(translate('en', 'os.tray.missed', { n: 2 })).toBe('2 missed calls');
    expect(translate('en', 'os.call.missedTitle', { n: 1 })).toBe('Missed call');
    expect(translate('en', 'os.call.missedTitle', { n: 5 })).toBe('5 missed calls');
    // A missing param stays visible rather than turning into "undefined".
    expect(translate('en', 'os.call.missedFrom')).toBe('From {name}');
    expect(translate('zh-CN', 'no.such.key' as MessageKey)).toBe('no.such.key');
    expect(MESSAGES['zh-CN'].os.tray.quit).toBe('退出 Ringdesk');
  });

  it('resolveLocale: the setting wins; "system" follows the OS locale', () => {
    expect(resolveLocale('en', 'zh-CN')).toBe('en');
    expect(resolveLocale('zh-CN', 'en-US')).toBe('zh-CN');
    expect(resolveLocale('system', 'zh-TW')).toBe('zh-CN');
    expect(resolveLocale('system', 'de-DE')).toBe('en');
  });
});
