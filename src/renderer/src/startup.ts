import { effectScope, watch } from 'vue';
import { call, errorCode, on, onTransportReopen } from './bridge.ts';
import { useCallsStore } from './stores/calls.ts';
import { useContactsStore } from './stores/contacts.ts';
import { useDndStore } from './stores/dnd.ts';
import { useHistoryStore } from './stores/history.ts';
import { useManagedStore } from './stores/managed.ts';
import { useMissedStore } from './stores/missed.ts';
import { useNoticesStore } from './stores/notices.ts';
import { useSessionStore } from './stores/session.ts';
import { useSettingsStore } from './stores/settings.ts';

/** Reads everything the first frame needs (again after the host restarts) into the stores. */
export async function loadSnapshot(): Promise<void> {
  const session = useSessionStore();
  try {
    const s = await call('getSnapshot', {});
    useCallsStore().seedFromSnapshot(s.calls);
    useDndStore().set(s.dnd);
    useMissedStore().set(s.missed);
    useSettingsStore().set(s.settings);
    useManagedStore().setFromSnapshot(s);
    const notices = useNoticesStore();
    for (const n of s.notices) notices.add(n);
    session.applySnapshot(s);
  } catch (e) {
    session.bootError = errorCode(e);
  }
}

/**
 * Feeds main's events into the stores, loads the snapshot, and loads the contacts whenever
 * someone signs in. Returns the function that undoes all of it.
 */
export function startStores(): () => void {
  const session = useSessionStore();
  const calls = useCallsStore();
  const contacts = useContactsStore();
  const history = useHistoryStore();
  const missed = useMissedStore();
  const settings = useSettingsStore();
  const dnd = useDndStore();
  const notices = useNoticesStore();
  const managed = useManagedStore();

  const offs = [
    on('connection', (c) => session.setConnection(c)),
    on('session', (s) => session.setSession(s)),
    on('calls', (p) => calls.setCalls(p.calls)),
    on('presence', (p) => contacts.applyPresence(p)),
    on('people', (p) => contacts.setPeople(p)),
    on('callRecord', (p) => history.addRecord(p.record)),
    on('missedCalls', (m) => missed.set(m)),
    on('dnd', (d) => dnd.set(d)),
    on('settings', (s) => settings.set(s)),
    on('notice', (n) => notices.add(n)),
    on('update', (u) => managed.setUpdate(u)),
    onTransportReopen(() => {
      void loadSnapshot();
      if (session.me) void contacts.load();
    }),
  ];

  const scope = effectScope(true);
  scope.run(() => {
    watch(
      () => session.me,
      (me, was) => {
        if (me === was) return;
        contacts.clear();
        history.clear();
        if (me) void contacts.load();
      },
    );
  });
  void loadSnapshot();

  return () => {
    for (const off of offs) off();
    scope.stop();
  };
}
