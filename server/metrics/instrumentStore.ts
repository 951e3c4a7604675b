import { performance } from 'node:perf_hooks';
import type { Store } from '../store/Store.ts';

/**
 * The same store, with `saveCall` and `saveCalls` timed (one commit each). A Proxy rather than a
 * class that lists every method, so methods other engineers add to Store pass through untouched.
 * Methods are bound to the real store: SqliteStore's #private fields need their own `this`.
 */
export function instrumentStore(store: Store, observeCommit: (seconds: number) => void): Store {
  const bound = new Map<PropertyKey, unknown>();
  const saveCall: Store['saveCall'] = async (call, record) => {
    const t0 = performance.now();
    try {
      return await store.saveCall(call, record);
    } finally {
      observeCommit((performance.now() - t0) / 1000);
    }
  };
  // Group commit (CallService through GroupCommit) stores a tick's transitions with one saveCalls: one commit, one observation.
  const saveCalls: Store['saveCalls'] = async (batch) => {
    const t0 = performance.now();
    try {
      return await store.saveCalls(batch);
    } finally {
      observeCommit((performance.now() - t0) / 1000);
    }
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'saveCall') return saveCall;
      if (prop === 'saveCalls') return saveCalls;
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      let b = bound.get(prop);
      if (b === undefined) bound.set(prop, (b = (v as (...a: unknown[]) => unknown).bind(target))); // a method of target, checked just above
      return b;
    },
  });
}
