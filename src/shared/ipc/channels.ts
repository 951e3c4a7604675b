/**
 * The IPC channel names alone, with no schema library: the preload imports only this, so its
 * sandboxed bundle stays a few KB. contract.ts checks at compile time that the lists match it.
 */
export const INVOKE_CHANNELS = [
  'getSnapshot',
  'login',
  'logout',
  'signOutEverywhere',
  'callInvite',
  'callCancel',
  'callAccept',
  'callReject',
  'callingInvite',
  'callJoin',
  'callQuit',
  'callEnd',
  'dismissCall',
  'directorySearch',
  'directoryClear',
  'getPeople',
  'favoriteAdd',
  'favoriteRemove',
  'listHistory',
  'setDnd',
  'markMissedSeen',
  'getSettings',
  'updateSettings',
  'getDevice',
  'setDeviceName',
  'testNotification',
  'exportDiagnostics',
  'showMainWindow',
  'openExternal',
  'installUpdate',
  'sfu',
  'log',
] as const;

export const EVENT_CHANNELS = [
  'connection',
  'session',
  'calls',
  'incomingCall',
  'handledElsewhere',
  'callRecord',
  'presence',
  'people',
  'missedCalls',
  'dnd',
  'settings',
  'notice',
  'shortcut',
  'navigate',
  'update',
  'sfu',
] as const;

/** Electron channel names are namespaced so they never clash with Electron's own. */
export const invokeChannelName = (c: string): string => `ringdesk:invoke:${c}`;
export const eventChannelName = (c: string): string => `ringdesk:event:${c}`;

/**
 * Every invoke answers with this envelope: Electron's ipcMain.handle would flatten a thrown
 * error into a message string, and the renderer needs the stable code.
 */
/** retryAfterMs rides along on errors that say when to try again (auth_throttled at sign-in). */
export type InvokeReply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; retryAfterMs?: number } };
