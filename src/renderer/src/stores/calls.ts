import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InvokeResult } from '../../../shared/ipc/contract.ts';
import type { CallView, MediaKind } from '../../../shared/ipc/model.ts';
import type { CallId, CallMode, UserId } from '../../../shared/protocol/common.ts';
import { call } from '../bridge.ts';
import { callPhase, callTime } from '../calls/phase.ts';

type InviteErrors = InvokeResult<'callInvite'>['errorInvitees'];

const newest = (views: CallView[]): CallView | null => views.reduce<CallView | null>((a, v) => (a === null || callTime(v) >= callTime(a) ? v : a), null);

/** This device's calls, as main's `calls` event says; actions go through the bridge. */
export const useCallsStore = defineStore('calls', () => {
  const calls = ref<CallView[]>([]);
  /** Ended calls the user closed here, hidden even before main's next `calls` event drops them. */
  const dismissed = ref<string[]>([]);
  /** When this window first saw each call in progress (ms): the timer's start, since CallInfo has no "answered at". */
  const connectedAt = ref<Record<string, number>>({});
  /** Invitees the server refused when a call was placed, by call. */
  const inviteErrors = ref<Record<string, InviteErrors>>({});
  /** The code of the last call action that failed outside a screen (a dial from a deep link). */
  const lastError = ref<string | null>(null);

  const visible = computed(() => calls.value.filter((v) => !dismissed.value.includes(v.call.callID)));
  const byPhase = (p: ReturnType<typeof callPhase>): CallView[] => visible.value.filter((v) => callPhase(v) === p);
  /** The ringing incoming call (the newest if several). */
  const incoming = computed(() => newest(byPhase('incoming').filter((v) => v.ringing)));
  /** My call whose invitees still ring. */
  const outgoing = computed(() => newest(byPhase('outgoing')));
  /** The call I am in. */
  const active = computed(() => newest(byPhase('inCall')));
  /** The last ended call not yet dismissed. */
  const lastEnded = computed(() => newest(byPhase('ended')));

  function byId(callID: string): CallView | null {
    return calls.value.find((v) => v.call.callID === callID) ?? null;
  }

  function setCalls(next: CallView[], now = Date.now()): void {
    calls.value = next;
    const live = new Set<string>(next.map((v) => v.call.callID));
    dismissed.value = dismissed.value.filter((id) => live.has(id));
    const at: Record<string, number> = {};
    for (const v of next) {
      const id = v.call.callID;
      // Main's stamp first: it outlives this window (a re-created window still shows "Lasted …").
      const seen = v.connectedAt ?? connectedAt.value[id];
      if (seen !== undefined) at[id] = seen;
      else if (callPhase(v) === 'inCall') at[id] = now;
    }
    connectedAt.value = at;
  }

  /** Folds one call (an invoke's result) in before main's `calls` event catches up. */
  function upsert(v: CallView): void {
    const i = calls.value.findIndex((x) => x.call.callID === v.call.callID);
    const next = [...calls.value];
    if (i === -1) next.push(v);
    else if ((next[i]?.call.version ?? -1) <= v.call.version) next[i] = v;
    setCalls(next);
  }

  /** Seeds timers for calls already in progress when the window opened: main's stamp, else the call's start (the best we know). */
  function seedFromSnapshot(next: CallView[]): void {
    connectedAt.value = Object.fromEntries(next.filter((v) => v.connectedAt !== null || callPhase(v) === 'inCall').map((v) => [v.call.callID, v.connectedAt ?? v.call.createdAt]));
    setCalls(next);
  }

  async function invite(invitees: UserId[], media: MediaKind, mode: CallMode = 'normal'): Promise<CallView> {
    const r = await call('callInvite', { invitees, media, mode });
    if (r.errorInvitees.length) inviteErrors.value = { ...inviteErrors.value, [r.call.call.callID]: r.errorInvitees };
    upsert(r.call);
    return r.call;
  }

  async function accept(callID: CallId, media: MediaKind): Promise<void> {
    upsert((await call('callAccept', { callID, media })).call);
  }
  async function reject(callID: CallId): Promise<void> {
    upsert((await call('callReject', { callID })).call);
  }
  async function cancel(callID: CallId): Promise<void> {
    upsert((await call('callCancel', { callID })).call);
  }
  async function inviteMore(callID: CallId, invitees: UserId[]): Promise<void> {
    upsert((await call('callingInvite', { callID, invitees })).call);
  }
  async function join(callID: CallId): Promise<void> {
    upsert((await call('callJoin', { callID })).call);
  }
  async function quit(callID: CallId): Promise<void> {
    upsert((await call('callQuit', { callID })).call);
  }
  async function end(callID: CallId): Promise<void> {
    upsert((await call('callEnd', { callID })).call);
  }
  async function dismiss(callID: CallId): Promise<void> {
    dismissed.value = [...dismissed.value, callID];
    await call('dismissCall', { callID });
  }

  return {
    calls,
    dismissed,
    connectedAt,
    inviteErrors,
    lastError,
    visible,
    incoming,
    outgoing,
    active,
    lastEnded,
    byId,
    setCalls,
    seedFromSnapshot,
    upsert,
    invite,
    accept,
    reject,
    cancel,
    inviteMore,
    join,
    quit,
    end,
    dismiss,
  };
});
