import type { CallId } from '../../../src/shared/protocol/index.ts';
import type { Call } from '../../../src/shared/call/index.ts';
import type { CallService } from '../../domain/CallService.ts';
import type { MediaCalls } from '../../sfu/ports.ts';
import type { Store } from '../../store/Store.ts';

/**
 * The call state a cluster node's SFU reads. A node runs only the calls whose lease it holds, but
 * it hosts the rooms placed on it whoever owns their calls: for those it reads the call from
 * Postgres, the system of record, written before any push (so a member who heard "accepted" is
 * accepted there). Changes of calls owned elsewhere arrive over the relay (ClusterMedia.callChanged).
 */
export function callsAcrossNodes(calls: CallService, store: Store): MediaCalls {
  return {
    async startedCall(callID: CallId): Promise<Call | undefined> {
      const here = calls.startedCall(callID);
      if (here) return here;
      const stored = await store.getCall(callID);
      return stored?.callState === 'started' ? stored : undefined;
    },
    get: (callID) => calls.get(callID),
    on: (event, listener) => calls.on(event, listener),
  };
}
