import { watchEffect } from 'vue';
import { useI18n } from 'vue-i18n';
import { resolveLocale } from '../i18n/index.ts';
import { useSessionStore } from '../stores/session.ts';
import { useSettingsStore } from '../stores/settings.ts';

/** Keeps the UI language (and `<html lang>`) on the setting, or on the OS locale for "system". */
export function useLocaleSync(): void {
  const { locale } = useI18n({ useScope: 'global' });
  const session = useSessionStore();
  const settings = useSettingsStore();
  watchEffect(() => {
    const l = resolveLocale(settings.language, session.osLocale);
    locale.value = l;
    document.documentElement.lang = l;
  });
}
