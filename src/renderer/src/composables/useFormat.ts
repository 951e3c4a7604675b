import { computed } from 'vue';
import { useI18n } from 'vue-i18n';

/** Dates and times in the active UI language (Intl, not the OS default). */
export function useFormat() {
  const { locale } = useI18n({ useScope: 'global' });
  const dateTime = computed(() => new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'short' }));
  return {
    dateTime: (ms: number): string => dateTime.value.format(new Date(ms)),
  };
}
