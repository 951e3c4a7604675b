import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DndState } from '../../../shared/ipc/model.ts';
import { call } from '../bridge.ts';

/** Do not disturb: what the user set, what the OS says, and which is in force. */
export const useDndStore = defineStore('dnd', () => {
  const state = ref<DndState | null>(null);
  const enabled = computed(() => state.value?.app.enabled ?? false);
  const effective = computed(() => state.value?.effective ?? 'off');

  function set(s: DndState): void {
    state.value = s;
  }

  async function setEnabled(on: boolean): Promise<void> {
    set(await call('setDnd', { enabled: on, allowList: state.value?.app.allowList ?? [] }));
  }

  return { state, enabled, effective, set, setEnabled };
});
