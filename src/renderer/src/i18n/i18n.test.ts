import { afterEach, describe, expect, it } from 'vitest';
import { mountApp, settle, type Mounted } from '../testing/mountApp.ts';
import { makeSettings, makeSnapshot } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import en from '../../../shared/i18n/en.ts';
import { resolveLocale } from './index.ts';
import zhCN from '../../../shared/i18n/zh-CN.ts';

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

describe('messages', () => {
  const enKeys = leaves(en);
  const zhKeys = leaves(zhCN);

  it('en and zh-CN have exactly the same keys', () => {
    expect([...zhKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
    expect(enKeys.size).toBeGreaterThan(150);
  });

  it('each zh-CN message uses the same placeholders as its English one', () => {
    for (const [k, s] of enKeys) expect({ k, p: placeholders(zhKeys.get(k) ?? '') }).toEqual({ k, p: placeholders(s) });
  });

  it('no message is left empty or untranslated where it should not be', () => {
    for (const [k, s] of zhKeys) expect({ k, empty: s.trim() === '' }).toEqual({ k, empty: false });
    expect(zhKeys.get('signin.submit')).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('resolveLocale', () => {
  it('follows the setting, and for "system" the OS locale', () => {
    expect(resolveLocale('en', 'zh-CN')).toBe('en');
    expect(resolveLocale('zh-CN', 'en-US')).toBe('zh-CN');
    expect(resolveLocale('system', 'zh-CN')).toBe('zh-CN');
    expect(resolveLocale('system', 'zh-TW')).toBe('zh-CN');
    expect(resolveLocale('system', 'zh')).toBe('zh-CN');
    expect(resolveLocale('system', 'de-DE')).toBe('en');
    expect(resolveLocale('system', 'en-GB')).toBe('en');
  });
});

describe('the app in Chinese', () => {
  let m: Mounted | null = null;
  afterEach(() => {
    m?.unmount();
    m = null;
  });

  it('renders zh-CN and sets <html lang> when the OS locale is Chinese', async () => {
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ osLocale: 'zh-CN', session: null }) }) });
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(m.text('signin-submit')).toBe('登录');
    expect(m.get('signin-password').getAttribute('aria-label')).toBe('密码');
  });

  it('switches language live when the setting changes, and back to the OS locale for "system"', async () => {
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ osLocale: 'zh-CN' }) }) });
    expect(m.text('dnd-state')).toBe('勿扰模式已关闭');
    m.fake.emit('settings', makeSettings({ language: 'en' }));
    await settle();
    expect(document.documentElement.lang).toBe('en');
    expect(m.text('dnd-state')).toBe('Do not disturb is off');
    m.fake.emit('settings', makeSettings({ language: 'system' }));
    await settle();
    expect(m.text('dnd-state')).toBe('勿扰模式已关闭');
  });

  it('formats dates with the active locale', async () => {
    const { makeCall } = await import('../testing/fixtures.ts');
    const fake = new FakeBridge({ snapshot: makeSnapshot({ osLocale: 'zh-CN' }) });
    fake.handle('listHistory', () => ({ calls: [makeCall({ callState: 'ended', endReason: 'allAnswered', endedAt: Date.UTC(2025, 0, 15, 9, 31), users: [{ userId: 'bob', state: 'accepted' }] })], nextFlag: 0 }));
    m = await mountApp({ fake, path: '/history' });
    expect(m.text('history-time')).toMatch(/2025年1月15日/);
    expect(m.text('history-outcome')).toBe('已接听');
  });
});
