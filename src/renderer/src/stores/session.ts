import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InvokeArgs } from '../../../shared/ipc/contract.ts';
import type { AppSnapshot, ConnectionInfo, SessionInfo } from '../../../shared/ipc/model.ts';
import { call } from '../bridge.ts';

/** The connection to the server and who is signed in, from the snapshot and the `connection` / `session` events. */
export const useSessionStore = defineStore('session', () => {
  /** The first snapshot arrived: until then the UI cannot tell signed in from signed out. */
  const ready = ref(false);
  /** The code of a failed snapshot read (the host may be restarting). */
  const bootError = ref<string | null>(null);
  const platform = ref<AppSnapshot['platform'] | null>(null);
  const osLocale = ref(typeof navigator === 'undefined' ? 'en' : navigator.language);
  const connection = ref<ConnectionInfo>({ state: 'idle', retryInMs: null, at: 0, reason: null });
  const session = ref<SessionInfo | null>(null);

  const me = computed(() => session.value?.userId ?? null);
  /** Calls can be placed only while signaling is up; buttons follow this rather than fail. */
  const online = computed(() => connection.value.state === 'connected');
  const signedIn = computed(() => session.value !== null);

  function applySnapshot(s: Pick<AppSnapshot, 'platform' | 'osLocale' | 'connection' | 'session'>): void {
    platform.value = s.platform;
    osLocale.value = s.osLocale;
    connection.value = s.connection;
    session.value = s.session;
    bootError.value = null;
    ready.value = true;
  }

  function setConnection(c: ConnectionInfo): void {
    connection.value = c;
  }

  function setSession(s: SessionInfo | null): void {
    session.value = s;
  }

  async function login(a: InvokeArgs<'login'>): Promise<SessionInfo> {
    const info = await call('login', a);
    session.value = info;
    return info;
  }

  async function logout(): Promise<void> {
    await call('logout', {});
    session.value = null;
  }

  async function signOutEverywhere(): Promise<void> {
    await call('signOutEverywhere', {});
    session.value = null;
  }

  return { ready, bootError, platform, osLocale, connection, session, me, online, signedIn, applySnapshot, setConnection, setSession, login, logout, signOutEverywhere };
});
