/** Plain constants of the IPC model, with no schema library, so the renderer can import them cheaply. */
export const CONNECTION_STATES = ['idle', 'connecting', 'connected', 'reconnecting', 'signedOut', 'closed'] as const;
export const RINGTONES = ['classic', 'chime', 'pulse'] as const;
export const LANGUAGES = ['system', 'en', 'zh-CN'] as const;
export const ACCELERATOR_RE =
  /^((CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|Shift|Super|Meta)\+){1,4}[A-Za-z0-9]$|^F([1-9]|1[0-9]|2[0-4])$/;
/** Ringing calls the UI can tell apart: what the inviter put in extendedData (see callMeta.ts). */
export const MEDIA_KINDS = ['audio', 'video'] as const;
