import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LockableSetting, PolicyInfo, UpdateState } from '../../../shared/ipc/managed.ts';
import type { AppSnapshot } from '../../../shared/ipc/model.ts';
import { call } from '../bridge.ts';

// Not imported from shared/ipc/managed.ts: a value from there would pull zod into the initial bundle.
const NO_POLICY: PolicyInfo = { locked: [], features: { video: true, screenShare: true }, sources: [], warnings: [] };

/** IT management as the UI sees it: the policy in force (from the snapshot) and the updater (`update` events). */
export const useManagedStore = defineStore('managed', () => {
  const policy = ref<PolicyInfo>(NO_POLICY);
  const update = ref<UpdateState>({ status: 'disabled', version: null, percent: null, reason: null, detail: null, waitingForCall: false });

  const isLocked = (key: LockableSetting): boolean => policy.value.locked.includes(key);
  const updateReady = computed(() => update.value.status === 'ready');

  function setFromSnapshot(s: Pick<AppSnapshot, 'policy' | 'update'>): void {
    policy.value = s.policy;
    update.value = s.update;
  }
  function setUpdate(u: UpdateState): void {
    update.value = u;
  }
  /** Restarts now, or when the current call ends (main decides; the answer says which). */
  async function restartToUpdate(): Promise<void> {
    update.value = await call('installUpdate', {});
  }

  return { policy, update, isLocked, updateReady, setFromSnapshot, setUpdate, restartToUpdate };
});
