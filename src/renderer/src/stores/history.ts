import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallInfo, CallRecord, UserId } from '../../../shared/protocol/common.ts';
import { call, errorCode } from '../bridge.ts';
import { isMissed } from '../calls/outcome.ts';

export const HISTORY_PAGE = 20;

/** Call history, newest first, read page by page (nextFlag 0 = from the newest, and "no more" in replies). */
export const useHistoryStore = defineStore('history', () => {
  const calls = ref<CallInfo[]>([]);
  const nextFlag = ref(0);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const missedOnly = ref(false);
  /** Durations from call records (CallInfo has none): read with each page, and pushed while the app runs. */
  const durations = ref<Record<string, number>>({});

  const hasMore = computed(() => loaded.value && nextFlag.value !== 0);

  function visible(me: UserId | null): CallInfo[] {
    if (!missedOnly.value || me === null) return calls.value;
    return calls.value.filter((c) => isMissed(c, me));
  }

  async function page(flag: number): Promise<void> {
    loading.value = true;
    try {
      const r = await call('listHistory', { count: HISTORY_PAGE, nextFlag: flag });
      const known = new Set(flag === 0 ? [] : calls.value.map((c) => c.callID));
      calls.value = [...(flag === 0 ? [] : calls.value), ...r.calls.filter((c) => !known.has(c.callID))];
      nextFlag.value = r.nextFlag;
      durations.value = { ...durations.value, ...(r.durations ?? {}) };
      loaded.value = true;
      error.value = null;
    } catch (e) {
      error.value = errorCode(e);
    } finally {
      loading.value = false;
    }
  }

  const refresh = (): Promise<void> => page(0);
  const more = (): Promise<void> => (hasMore.value ? page(nextFlag.value) : Promise.resolve());

  function addRecord(r: Pick<CallRecord, 'callID' | 'durationMs'>): void {
    durations.value = { ...durations.value, [r.callID]: r.durationMs };
  }

  function clear(): void {
    calls.value = [];
    nextFlag.value = 0;
    loaded.value = false;
    error.value = null;
  }

  return { calls, nextFlag, loaded, loading, error, missedOnly, durations, hasMore, visible, refresh, more, addRecord, clear };
});
