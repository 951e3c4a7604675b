import { z } from 'zod';
import { REQUESTS } from '../../shared/protocol/index.ts';

/** An optional tag the caller may set; it is echoed on the result line so scripts can correlate. */
const Tag = { id: z.union([z.string().max(64), z.number()]).optional() };
const cmd = <N extends string, S extends z.ZodRawShape>(name: N, shape: S) => z.object({ ...shape, cmd: z.literal(name), ...Tag });

/** Every JSON line the CLI accepts on stdin: the calling API's requests, plus a few local commands. */
export const CliCommandSchema = z.discriminatedUnion('cmd', [
  cmd('callInvite', REQUESTS.callInvite.data.shape),
  cmd('callCancel', REQUESTS.callCancel.data.shape),
  cmd('callAccept', REQUESTS.callAccept.data.shape),
  cmd('callReject', REQUESTS.callReject.data.shape),
  cmd('callingInvite', REQUESTS.callingInvite.data.shape),
  cmd('callJoin', REQUESTS.callJoin.data.shape),
  cmd('callQuit', REQUESTS.callQuit.data.shape),
  cmd('callEnd', REQUESTS.callEnd.data.shape),
  cmd('queryCallInvitationList', REQUESTS.queryCallInvitationList.data.shape),
  cmd('queryCallRecords', REQUESTS.queryCallRecords.data.shape),
  cmd('setDNDStatus', REQUESTS.setDNDStatus.data.shape),
  cmd('directorySearch', REQUESTS.directorySearch.data.shape),
  cmd('favoritesList', REQUESTS.favoritesList.data.shape),
  cmd('favoritesAdd', REQUESTS.favoritesAdd.data.shape),
  cmd('favoritesRemove', REQUESTS.favoritesRemove.data.shape),
  cmd('recentsList', REQUESTS.recentsList.data.shape),
  /** Kept across reconnects: the CLI subscribes again after every new session. */
  cmd('presenceSubscribe', REQUESTS.presenceSubscribe.data.shape),
  cmd('presenceUnsubscribe', REQUESTS.presenceUnsubscribe.data.shape),
  /** The local view of current calls, as the desktop UI would show it. */
  cmd('views', {}),
  /** Log out on the server and exit. */
  cmd('logout', {}),
  /** End every session of this user on every device (the server closes the others with 4410), then exit. */
  cmd('signOutEverywhere', {}),
]);
export type CliCommand = z.infer<typeof CliCommandSchema>;

/** Which command an error line answers: null when it could not be read (or the error is not a command's). */
export type CliTag = { cmd: string | null; id: string | number | null };
export type CliError = { type: 'error'; error: { code: string; message: string } } & CliTag;

/** What the CLI prints: one JSON object per line. */
export type CliOutput =
  | { type: 'state'; state: string; detail: Record<string, unknown> }
  | { type: 'session'; userId: string; deviceId: string; resumed: boolean }
  | { type: 'event'; event: string; data: unknown }
  | { type: 'result'; cmd: string; id?: string | number; result: unknown }
  | CliError;
