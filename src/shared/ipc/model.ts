import { z } from 'zod';
import {
  CallIdSchema,
  CallInfoSchema,
  CallUserStateSchema,
  DeviceIdSchema,
  DndStatusSchema,
  UserIdSchema,
} from '../protocol/common.ts';
import { ACCELERATOR_RE, CONNECTION_STATES, LANGUAGES, MEDIA_KINDS, RINGTONES } from './constants.ts';
import { PolicyInfoSchema, UpdateStateSchema } from './managed.ts';

/** What the renderer shows; everything here is plain data that crosses IPC as is. */

export const MediaKindSchema = z.enum(MEDIA_KINDS);
export type MediaKind = z.infer<typeof MediaKindSchema>;

/** This device's view of one call (built in main from the CallingClient's view). */
export const CallViewSchema = z.object({
  call: CallInfoSchema,
  direction: z.enum(['outgoing', 'incoming']),
  myState: CallUserStateSchema.nullable(),
  /** This device should be ringing right now. */
  ringing: z.boolean(),
  /** Audio or video, read from the inviter's extendedData (other clients may not say: audio then). */
  media: MediaKindSchema,
  handledElsewhere: z
    .object({ deviceId: DeviceIdSchema, deviceName: z.string(), action: z.enum(['accepted', 'rejected', 'joined']) })
    .nullable(),
  /**
   * Who ended the call (callEnd): this user (from any of their devices) or another member. Null while
   * the call runs, when the server ended it (everyone left, caller lost), or when this device did not
   * hear the end (it ended while offline). Kept in main so a re-created window still knows.
   */
  endedBy: UserIdSchema.nullable(),
  /**
   * When this device first saw the call in progress (main's clock, ms): the in-call timer and the
   * ended card's "Lasted …" count from it. Null for a call that never was in progress here. Kept in
   * main so a re-created window still knows.
   */
  connectedAt: z.number().int().nullable(),
});
export type CallView = z.infer<typeof CallViewSchema>;

export const ConnectionInfoSchema = z.object({
  state: z.enum(CONNECTION_STATES),
  /** When reconnecting: the next attempt is due this many ms after `at`. */
  retryInMs: z.number().int().min(0).nullable(),
  /** Wall-clock time of this state, so the banner can count down. */
  at: z.number().int(),
  reason: z.string().nullable(),
});
export type ConnectionInfo = z.infer<typeof ConnectionInfoSchema>;

export const SessionInfoSchema = z.object({
  serverUrl: z.string(),
  userId: UserIdSchema,
  displayName: z.string(),
  deviceId: DeviceIdSchema,
  deviceName: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** One DND policy: what the user set, what the OS says, and what is in force. */
export const DndStateSchema = z.object({
  app: DndStatusSchema,
  os: z.object({ active: z.boolean(), source: z.enum(['focusAssist', 'macFocus', 'quietHours']).nullable() }),
  /** Whether the OS focus mode counts as DND (a setting). */
  followOs: z.boolean(),
  /** Which one is in force, for the tray and the home screen. */
  effective: z.enum(['off', 'app', 'os']),
});
export type DndState = z.infer<typeof DndStateSchema>;

export const MissedCallSchema = z.object({ callID: CallIdSchema, from: UserIdSchema, at: z.number().int(), media: MediaKindSchema });
export const MissedCallsSchema = z.object({
  count: z.number().int().min(0),
  /** Newest first, at most 50. */
  calls: z.array(MissedCallSchema),
});
export type MissedCalls = z.infer<typeof MissedCallsSchema>;

const Accelerator = z.string().regex(ACCELERATOR_RE, 'shortcuts look like CommandOrControl+Shift+A');

/** User settings, persisted by main. Every field has a default, so an old or partial file still loads. */
export const SettingsSchema = z.object({
  serverUrl: z.string().default(''),
  lastUserId: z.string().default(''),
  deviceName: z.string().max(64).default(''),
  ringtone: z.enum(RINGTONES).default('classic'),
  ringtoneVolume: z.number().min(0).max(1).default(0.8),
  startAtLogin: z.boolean().default(true),
  language: z.enum(LANGUAGES).default('system'),
  dndFollowsOs: z.boolean().default(true),
  shortcuts: z
    .object({
      enabled: z.boolean().default(false),
      answer: Accelerator.default('CommandOrControl+Shift+A'),
      decline: Accelerator.default('CommandOrControl+Shift+D'),
      toggleMute: Accelerator.default('CommandOrControl+Shift+M'),
    })
    .prefault({}),
  media: z
    .object({ microphoneId: z.string().nullable().default(null), cameraId: z.string().nullable().default(null), speakerId: z.string().nullable().default(null) })
    .prefault({}),
  /** While a call rings, load the media engine and the server's codecs so answering starts faster. */
  prewarmMedia: z.boolean().default(true),
  /** Missed calls older than this were seen. */
  missedSeenAt: z.number().int().default(0),
  /** The server's DND is on only because of the OS focus mode (DndPolicy). */
  dndOsForced: z.boolean().default(false),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** What the renderer may change: every top-level field optional, nested objects whole. */
export const SettingsPatchSchema = SettingsSchema.omit({ missedSeenAt: true, lastUserId: true, dndOsForced: true, serverUrl: true }).partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const NotificationCheckSchema = z.object({
  ok: z.boolean(),
  /**
   * What blocks it. `fix` names the catalog message (problemDetails.<fix>) with the steps for this
   * OS: main sends codes, the renderer words them in the user's language.
   */
  problems: z.array(
    z.object({
      code: z.enum(['unsupported', 'permissionDenied', 'focusMode', 'noAppUserModelId', 'disabledForApp']),
      fix: z.enum([
        'unsupported',
        'noAppUserModelId',
        'disabledForApp',
        'focusModeWin32',
        'focusModeDarwin',
        'focusModeLinux',
        'focusModeAllowList',
        'permissionDeniedDarwin',
        'permissionDenied',
      ]),
    }),
  ),
});
export type NotificationCheck = z.infer<typeof NotificationCheckSchema>;

/** Something the user should know that is not an error of their last action. */
export const NoticeSchema = z.object({
  code: z.enum(['settingsReset', 'shortcutsTaken', 'tokenNotStored', 'notificationsBlocked', 'sessionRevoked', 'accountDisabled']),
  /** Filled into noticeDetails.<code> by the renderer (file paths, key names): never a sentence. */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  at: z.number().int(),
});
export type Notice = z.infer<typeof NoticeSchema>;
export type NoticeParams = Notice['params'];

/** Everything the renderer needs to paint its first frame. */
export const AppSnapshotSchema = z.object({
  platform: z.enum(['darwin', 'win32', 'linux']),
  osLocale: z.string(),
  connection: ConnectionInfoSchema,
  session: SessionInfoSchema.nullable(),
  calls: z.array(CallViewSchema),
  dnd: DndStateSchema,
  missed: MissedCallsSchema,
  settings: SettingsSchema,
  /** Notices raised before the window was there to show them (a reset settings file, say). */
  notices: z.array(NoticeSchema),
  /** IT policy in force: locked settings, allowed features, ignored values. */
  policy: PolicyInfoSchema,
  update: UpdateStateSchema,
});
export type AppSnapshot = z.infer<typeof AppSnapshotSchema>;
