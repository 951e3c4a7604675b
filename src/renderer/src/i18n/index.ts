import { createI18n, useI18n } from 'vue-i18n';
import type { LANGUAGES } from '../../../shared/ipc/constants.ts';
import en from './en.ts';
import zhCN from './zh-CN.ts';

export const APP_LOCALES = ['en', 'zh-CN'] as const;
export type AppLocale = (typeof APP_LOCALES)[number];
export type Language = (typeof LANGUAGES)[number];

/** The setting wins; 'system' follows the OS locale: any Chinese → zh-CN, else English. */
export function resolveLocale(language: Language, osLocale: string): AppLocale {
  if (language !== 'system') return language;
  return /^zh/i.test(osLocale) ? 'zh-CN' : 'en';
}

export function createAppI18n(locale: AppLocale = 'en') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, 'zh-CN': zhCN },
    // Missing keys are a bug the parity test catches; no console noise at runtime.
    missingWarn: false,
    fallbackWarn: false,
  });
}
export type AppI18n = ReturnType<typeof createAppI18n>;

/** The locale the UI shows right now, typed. */
export function currentLocale(i18n: AppI18n): AppLocale {
  const l = i18n.global.locale.value;
  return l === 'zh-CN' ? 'zh-CN' : 'en';
}

/** Switches the UI language live and keeps `<html lang>` in step. */
export function applyLocale(i18n: AppI18n, locale: AppLocale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}

/** Translates a bridge error code, falling back to a generic line that still names the code. */
export function useErrorText(): (code: string) => string {
  const { t, te } = useI18n();
  return (code) => (te(`errors.${code}`, 'en') ? t(`errors.${code}`) : t('errors.unknown', { code }));
}
