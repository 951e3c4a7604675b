import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export type ConnectionStatus = 'offline' | 'connecting' | 'online';

export const useAppStore = defineStore('app', () => {
  const status = ref<ConnectionStatus>('offline');
  const isOnline = computed(() => status.value === 'online');

  function setStatus(next: ConnectionStatus): void {
    status.value = next;
  }

  return { status, isOnline, setStatus };
});
