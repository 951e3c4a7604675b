import { afterEach, describe, expect, it } from 'vitest';
import { mountApp, settle, type Mounted } from '../testing/mountApp.ts';
import { makeSettings, makeSnapshot } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import en from '../../../shared/i18n/en.ts';
import { translate, type MessageKey } from '../../../shared/i18n/index.ts';
import { APP_LOCALES, createAppI18n } from './index.ts';

type Tree = { readonly [k: string]: string | Tree };
const leaves = (t: Tree, prefix = ''): [string, string][] =>
  Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));

// The parity of en and zh-CN is tested beside the catalog (src/shared/i18n/catalog.test.ts).
describe('main and renderer format the same catalog the same way', () => {
  it('translate() (main) gives what vue-i18n (renderer) gives, for every message, both languages, singular and plural', () => {
    const i18n = createAppI18n('en');
    for (const locale of APP_LOCALES) {
      i18n.global.locale.value = locale;
      for (const [key, message] of leaves(en)) {
        const names = [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))];
        for (const n of message.includes('|') ? [1, 3] : [null]) {
          const params: Record<string, string | number> = Object.fromEntries(names.map((p) => [p, p === 'n' || p === 'count' ? (n ?? 2) : `<${p}>`]));
          const vue = n === null ? i18n.global.t(key, params) : i18n.global.t(key, params, n);
          expect({ locale, key, n, text: translate(locale, key as MessageKey, params) }).toEqual({ locale, key, n, text: vue });
        }
      }
    }
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
    expect(m.text('dnd-state')).toBe('来电正常响铃。');
    m.fake.emit('settings', makeSettings({ language: 'en' }));
    await settle();
    expect(document.documentElement.lang).toBe('en');
    expect(m.text('dnd-state')).toBe('Calls ring as usual.');
    m.fake.emit('settings', makeSettings({ language: 'system' }));
    await settle();
    expect(m.text('dnd-state')).toBe('来电正常响铃。');
  });

  it('formats dates with the active locale', async () => {
    const { makeCall } = await import('../testing/fixtures.ts');
    const fake = new FakeBridge({ snapshot: makeSnapshot({ osLocale: 'zh-CN' }) });
    fake.handle('listHistory', () => ({ calls: [makeCall({ callState: 'ended', endReason: 'allAnswered', endedAt: Date.UTC(2025, 0, 15, 9, 31), users: [{ userId: 'bob', state: 'accepted' }] })], nextFlag: 0 }));
    m = await mountApp({ fake, path: '/history' });
    expect(m.text('history-day-date')).toMatch(/2025年1月15日/); // the day heads its group; rows show the time
    expect(m.get('history-time').getAttribute('title')).toMatch(/2025年1月15日/);
    expect(m.text('history-outcome')).toBe('已接听');
  });
});
