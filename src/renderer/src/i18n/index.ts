import { createI18n, useI18n } from 'vue-i18n';
import { MESSAGES, type AppLocale } from '../../../shared/i18n/index.ts';

// The catalog lives in src/shared/i18n so main formats the same messages (tray, notifications).
export { APP_LOCALES, resolveLocale, type AppLocale, type Language } from '../../../shared/i18n/index.ts';

export function createAppI18n(locale: AppLocale = 'en') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en: MESSAGES.en, 'zh-CN': MESSAGES['zh-CN'] },
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
