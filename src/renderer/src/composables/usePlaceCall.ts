import { useRouter } from 'vue-router';
import type { MediaKind } from '../../../shared/ipc/model.ts';
import type { CallMode, UserId } from '../../../shared/protocol/common.ts';
import { useCallsStore } from '../stores/calls.ts';
import { useAction, type Action } from './useAction.ts';

export interface PlaceCall extends Action {
  /** Invites and opens the call's screen; a refusal lands in `error`, never thrown. */
  place(invitees: UserId[], media: MediaKind, mode?: CallMode): Promise<boolean>;
}

/** Placing a call from a list of people (home, directory): one at a time, the outgoing screen next. */
export function usePlaceCall(): PlaceCall {
  const router = useRouter();
  const calls = useCallsStore();
  const action = useAction();
  const place = (invitees: UserId[], media: MediaKind, mode: CallMode = 'normal'): Promise<boolean> =>
    action.run(async () => {
      calls.lastError = null;
      const v = await calls.invite(invitees, media, mode);
      await router.push({ name: 'call', params: { callID: v.call.callID } });
    });
  return { ...action, place };
}
