import { computed, onUnmounted, watch } from 'vue';
import { useRoute } from 'vue-router';
import { useCallsStore } from '../stores/calls.ts';

/**
 * Starts the window's media session the first time a call shows (ringing, calling or in progress)
 * and stops it with the app. The session's code, and mediasoup-client after it, load only then,
 * so the first screen stays small. The ringing window (a bare route) never takes part in media.
 */
export function useMediaSession(): void {
  const calls = useCallsStore();
  const route = useRoute();
  let stop: (() => void) | null = null;
  let disposed = false;
  const needed = computed(() => route.matched.length > 0 && route.meta['bare'] !== true && (calls.incoming ?? calls.outgoing ?? calls.active) !== null);
  watch(
    needed,
    (n) => {
      if (!n || stop) return;
      void import('../media/session.ts').then((m) => {
        if (!disposed) stop ??= m.startMediaSession();
      });
    },
    { immediate: true },
  );
  onUnmounted(() => {
    disposed = true;
    stop?.();
    stop = null;
  });
}
