import { createRouter, createWebHashHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router';
import DirectoryView from './views/DirectoryView.vue';
import HomeView from './views/HomeView.vue';
import SignInView from './views/SignInView.vue';

/**
 * Sign-in, home and the directory (the search box is on every shell screen) are in the first chunk;
 * every other screen loads on demand. `shell`: shown inside the app shell (navigation, search,
 * connection state); call screens take the whole window instead.
 */
export const routes: RouteRecordRaw[] = [
  { path: '/signin', name: 'signin', component: SignInView, meta: { public: true } },
  { path: '/', name: 'home', component: HomeView, meta: { shell: 'calls' } },
  { path: '/directory', name: 'directory', component: DirectoryView, meta: { shell: 'directory' } },
  { path: '/call/:callID', name: 'call', component: () => import('./views/CallPage.vue') },
  { path: '/history', name: 'history', component: () => import('./views/HistoryView.vue'), meta: { shell: 'calls' } },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { shell: 'settings' } },
  // The always-on-top ringing window main opens: a compact incoming screen, and the only ringtone.
  { path: '/ringing/:callID', name: 'ringing', component: () => import('./views/RingingView.vue'), meta: { bare: true } },
  { path: '/:rest(.*)*', redirect: '/' },
];

export function createAppRouter(history: RouterHistory = createWebHashHistory()) {
  return createRouter({ history, routes });
}

/** The route param as one string (vue-router types params as string | string[]). */
export function param(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}
