import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MediaKind } from '../../../shared/ipc/model.ts';
import type { UserId } from '../../../shared/protocol/common.ts';

/**
 * A call a `ringdesk://call/…` link asked for. Links come from other programs and web pages, so
 * the app only asks: the call is placed when the user presses Call (DialPrompt.vue).
 */
export const useDialPromptStore = defineStore('dialPrompt', () => {
  const request = ref<{ userId: UserId; media: MediaKind } | null>(null);

  function ask(userId: UserId, media: MediaKind): void {
    request.value = { userId, media };
  }
  function dismiss(): void {
    request.value = null;
  }

  return { request, ask, dismiss };
});
