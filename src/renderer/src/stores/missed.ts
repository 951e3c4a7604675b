import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MissedCalls } from '../../../shared/ipc/model.ts';
import { call } from '../bridge.ts';

/** Missed calls not yet seen, as main counts them (snapshot + `missedCalls` events). */
export const useMissedStore = defineStore('missed', () => {
  const count = ref(0);
  const calls = ref<MissedCalls['calls']>([]);

  function set(m: MissedCalls): void {
    count.value = m.count;
    calls.value = m.calls;
  }

  async function markSeen(): Promise<void> {
    if (count.value === 0) return;
    set(await call('markMissedSeen', {}));
  }

  return { count, calls, set, markSeen };
});
