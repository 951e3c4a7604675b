// What the Store contract suites share (storeContract*.ts): the fixture, a user row, a fresh call.
import { avail, start, T0 } from '../../src/shared/call/testkit.ts';
import { asCallId, asUserId } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import type { Store } from '../../server/store/Store.ts';

/** A fresh, empty, migrated store; `reopen` opens the same data again (a restart). */
export interface StoreFixture {
  store: Store;
  reopen(): Promise<Store>;
  /** Runs SQL both dialects accept on the same database behind the store's back (damage, stale indexes). */
  exec(sql: string): Promise<void>;
  dispose(): Promise<void>;
}
export type OpenFixture = () => Promise<StoreFixture>;

let seq = 0;
/** testkit's calls all share one id; a store test needs each call to be its own. */
export function newCall(...invitees: Parameters<typeof avail>): Call {
  return { ...start('normal', avail(...invitees)).call, callID: asCallId(`contract-${++seq}`) };
}

export const user = (id: string, disabled = false, displayName = id.toUpperCase()) => ({
  userId: asUserId(id),
  displayName,
  passwordHash: `h-${id}`,
  disabled,
  createdAt: T0,
});

export async function withStore(open: OpenFixture, fn: (f: StoreFixture) => Promise<void>): Promise<void> {
  const f = await open();
  try {
    await fn(f);
  } finally {
    await f.dispose();
  }
}
