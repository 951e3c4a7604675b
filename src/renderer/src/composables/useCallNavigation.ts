import { onScopeDispose, watch } from 'vue';
import type { Router } from 'vue-router';
import { on } from '../bridge.ts';
import { param } from '../router.ts';
import { useCallsStore } from '../stores/calls.ts';
import { useDialPromptStore } from '../stores/dialPrompt.ts';
import { useSessionStore } from '../stores/session.ts';

/**
 * The main window follows the calls: a ringing call opens its screen, signing out opens sign-in,
 * and main's `navigate` events (deep links, tray, notification buttons) are obeyed. Not in the
 * ringing window, which shows exactly one call.
 */
export function useCallNavigation(router: Router): void {
  const session = useSessionStore();
  const calls = useCallsStore();
  const dialPrompt = useDialPromptStore();
  const offs: (() => void)[] = [];
  let disposed = false;
  onScopeDispose(() => {
    disposed = true;
    for (const off of offs.splice(0)) off();
  });

  const onCall = (id: string): boolean => router.currentRoute.value.name === 'call' && param(router.currentRoute.value.params['callID']) === id;
  const openCall = (id: string): void => {
    if (!onCall(id)) void router.push({ name: 'call', params: { callID: id } });
  };

  // Wait for the first route: a snapshot that lands before /ringing/… resolves must not move that window.
  void router.isReady().then(() => {
    if (disposed || router.currentRoute.value.meta['bare'] === true) return;
    offs.push(
      router.beforeEach((to) => {
        if (session.ready && !session.signedIn && to.meta['public'] !== true) return { name: 'signin' };
        if (session.signedIn && to.name === 'signin') return { name: 'home' };
        return true;
      }),
      watch(
        () => [session.ready, session.signedIn] as const,
        ([ready, signedIn]) => {
          const here = router.currentRoute.value;
          if (ready && !signedIn && here.meta['public'] !== true) void router.replace({ name: 'signin' });
          else if (signedIn && here.name === 'signin') void router.replace({ name: 'home' });
        },
        { immediate: true },
      ),
      watch(
        () => calls.incoming?.call.callID,
        (id) => {
          if (id) openCall(id);
        },
        { immediate: true },
      ),
      on('navigate', (n) => {
        switch (n.to) {
          case 'home':
            void router.push({ name: 'home' });
            return;
          case 'history':
            void router.push({ name: 'history' });
            return;
          case 'missed':
            void router.push({ name: 'history', query: { filter: 'missed' } });
            return;
          case 'settings':
            void router.push({ name: 'settings' });
            return;
          case 'call':
            if (n.callID) openCall(n.callID);
            return;
          case 'dial':
            // A ringdesk://call link: ask, with Call focused; only the user's press places the call.
            if (!n.userId) return;
            dialPrompt.ask(n.userId, n.media ?? 'audio');
            void router.push({ name: 'home' });
            return;
        }
      }),
    );
  });
}
