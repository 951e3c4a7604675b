import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Notice } from '../../../shared/ipc/model.ts';

const key = (n: Notice): string => `${n.code}:${n.at}`;

/** Things the user should know that are not errors of their last action; each one dismissible. */
export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  /** Dismissed here; a re-read snapshot must not bring them back. */
  const dismissed = ref<string[]>([]);

  function add(n: Notice): void {
    const k = key(n);
    if (dismissed.value.includes(k) || notices.value.some((x) => key(x) === k)) return;
    notices.value = [...notices.value, n];
  }

  function dismiss(n: Notice): void {
    const k = key(n);
    dismissed.value = [...dismissed.value, k];
    notices.value = notices.value.filter((x) => key(x) !== k);
  }

  return { notices, dismissed, add, dismiss };
});
