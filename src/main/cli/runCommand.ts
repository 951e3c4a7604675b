import { assertNever } from '../../shared/assertNever.ts';
import type { CallingClient } from '../call/CallingClient.ts';
import type { SignalingClient } from '../signaling/SignalingClient.ts';
import type { UserId } from '../../shared/protocol/index.ts';
import type { CliCommand } from './commands.ts';

/** Runs one parsed CLI command against the real core and returns what to print as its result. */
export async function runCommand(c: CliCommand, calls: CallingClient, sig: SignalingClient, subscriptions: Set<UserId> = new Set()): Promise<unknown> {
  const x = (s: string | undefined): string | undefined => s; // keeps optional extendedData optional
  switch (c.cmd) {
    case 'callInvite':
      return calls.callInvite(c.invitees, { mode: c.mode, timeout: c.timeout, extendedData: c.extendedData });
    case 'callCancel':
      return calls.callCancel(c.callID, c.invitees, x(c.extendedData));
    case 'callAccept':
      return calls.callAccept(c.callID, x(c.extendedData));
    case 'callReject':
      return calls.callReject(c.callID, x(c.extendedData));
    case 'callingInvite':
      return calls.callingInvite(c.callID, c.invitees, x(c.extendedData));
    case 'callJoin':
      return calls.callJoin(c.callID, x(c.extendedData));
    case 'callQuit':
      return calls.callQuit(c.callID, x(c.extendedData));
    case 'callEnd':
      return calls.callEnd(c.callID, x(c.extendedData));
    case 'queryCallInvitationList':
      return calls.queryCallInvitationList(c.count, c.nextFlag);
    case 'queryCallRecords':
      return calls.queryCallRecords(c.count, c.nextFlag);
    case 'setDNDStatus':
      return calls.setDNDStatus({ enabled: c.enabled, allowList: c.allowList });
    case 'directorySearch':
      return sig.request('directorySearch', { query: c.query, limit: c.limit, ...(c.cursor ? { cursor: c.cursor } : {}) });
    case 'favoritesList':
    case 'recentsList':
      return sig.request(c.cmd, { limit: c.limit, ...(c.cursor ? { cursor: c.cursor } : {}) });
    case 'favoritesAdd':
    case 'favoritesRemove':
      return sig.request(c.cmd, { userId: c.userId });
    case 'presenceSubscribe': {
      const r = await sig.request('presenceSubscribe', { userIds: c.userIds });
      for (const u of r.users) subscriptions.add(u.userId);
      return r;
    }
    case 'presenceUnsubscribe': {
      const r = await sig.request('presenceUnsubscribe', { userIds: c.userIds });
      for (const u of c.userIds) subscriptions.delete(u);
      return r;
    }
    case 'views':
      return calls.views;
    case 'logout':
      await sig.logout();
      return {};
    case 'signOutEverywhere':
      await sig.signOutEverywhere();
      return {};
    default:
      return assertNever(c, 'cli command');
  }
}
