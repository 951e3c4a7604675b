import { z } from 'zod';
import {
  CallIdSchema,
  CallInfoSchema,
  CallModeSchema,
  CallRecordSchema,
  DndStatusSchema,
  LIMITS,
  UserIdSchema,
} from '../protocol/common.ts';
import { PUSHES } from '../protocol/pushes.ts';
import { DirectoryUserSchema, PresenceEntrySchema } from '../protocol/directory.ts';
import { REQUESTS } from '../protocol/requests.ts';
import { INVOKE_CHANNELS, EVENT_CHANNELS } from './channels.ts';
import {
  AppSnapshotSchema,
  CallViewSchema,
  ConnectionInfoSchema,
  DndStateSchema,
  MediaKindSchema,
  MissedCallsSchema,
  NoticeSchema,
  NotificationCheckSchema,
  SessionInfoSchema,
  SettingsPatchSchema,
  SettingsSchema,
} from './model.ts';
import { UpdateStateSchema } from './managed.ts';
import { RendererLogSchema } from './log.ts';
import { SfuInvokeArgsSchema, SfuPushEventSchema } from './sfu.ts';

const Empty = z.object({}).strict();
const CallIdOnly = z.object({ callID: CallIdSchema }).strict();
const Invitees = z.array(UserIdSchema).min(1).max(LIMITS.maxInviteesPerRequest);
const Call = z.object({ call: CallViewSchema });
const People = z.object({ favorites: z.array(DirectoryUserSchema), recents: z.array(DirectoryUserSchema) });

/**
 * The IPC contract, declared once: renderer → main requests (`INVOKES`) and main → renderer
 * events (`EVENTS`). Main parses every argument with these schemas whatever the transport
 * (Electron IPC or the headless host's WebSocket); see docs/ipc.md.
 */
export const INVOKES = {
  getSnapshot: { args: Empty, result: AppSnapshotSchema },
  login: {
    args: z
      .object({
        serverUrl: z.string().regex(/^wss?:\/\/[^\s]+$/, 'the server URL starts with ws:// or wss://'),
        userId: UserIdSchema,
        password: z.string().min(1).max(256),
      })
      .strict(),
    result: SessionInfoSchema,
  },
  logout: { args: Empty, result: Empty },
  /** Ends every session of this user on every device (lost laptop), then signs out here. */
  signOutEverywhere: { args: Empty, result: Empty },
  callInvite: {
    args: z
      .object({
        invitees: z.array(UserIdSchema).max(LIMITS.maxInviteesPerRequest),
        media: MediaKindSchema.default('audio'),
        mode: CallModeSchema.default('normal'),
        timeout: z.number().int().min(LIMITS.minTimeoutSec).max(LIMITS.maxTimeoutSec).default(LIMITS.defaultTimeoutSec),
      })
      .strict()
      // Only an advanced call may start empty (a room people are called into later).
      .refine((a) => a.invitees.length > 0 || a.mode === 'advanced', { path: ['invitees'], message: 'a normal call needs at least one invitee' }),
    result: z.object({ call: CallViewSchema, errorInvitees: REQUESTS.callInvite.result.shape.errorInvitees }),
  },
  callCancel: { args: z.object({ callID: CallIdSchema, invitees: Invitees.optional() }).strict(), result: Call },
  callAccept: { args: z.object({ callID: CallIdSchema, media: MediaKindSchema.default('audio') }).strict(), result: Call },
  callReject: { args: CallIdOnly, result: Call },
  callingInvite: { args: z.object({ callID: CallIdSchema, invitees: Invitees }).strict(), result: Call },
  callJoin: { args: CallIdOnly, result: Call },
  callQuit: { args: CallIdOnly, result: Call },
  callEnd: { args: CallIdOnly, result: Call },
  /** The UI closed an ended call's screen. */
  dismissCall: { args: CallIdOnly, result: Empty },
  /** One page of the server's directory; main subscribes to the presence of what the page shows. */
  directorySearch: { args: REQUESTS.directorySearch.data.strict(), result: REQUESTS.directorySearch.result },
  /** The search closed: its results are no longer shown (their presence subscription ends). */
  directoryClear: { args: Empty, result: Empty },
  /** Favorites and recents with presence, as main holds them (the `people` event says when they change). */
  getPeople: { args: Empty, result: People },
  favoriteAdd: { args: z.object({ userId: UserIdSchema }).strict(), result: People },
  favoriteRemove: { args: z.object({ userId: UserIdSchema }).strict(), result: People },
  listHistory: {
    args: z.object({ count: z.number().int().min(1).max(LIMITS.maxListCount), nextFlag: z.number().int().min(0).default(0) }).strict(),
    result: z.object({
      calls: z.array(CallInfoSchema),
      nextFlag: z.number().int().min(0),
      /** durationMs by callID, from the call records (queryCallRecords) of this page's ended calls. */
      durations: z.record(z.string(), z.number().int().min(0)).optional(),
    }),
  },
  setDnd: { args: DndStatusSchema.strict(), result: DndStateSchema },
  markMissedSeen: { args: Empty, result: MissedCallsSchema },
  getSettings: { args: Empty, result: SettingsSchema },
  updateSettings: { args: SettingsPatchSchema, result: SettingsSchema },
  /** This device as other devices see it ("answered on <device name>"). */
  getDevice: { args: Empty, result: z.object({ deviceId: z.string(), deviceName: z.string() }) },
  setDeviceName: { args: z.object({ deviceName: z.string().trim().min(1).max(64) }).strict(), result: z.object({ deviceId: z.string(), deviceName: z.string() }) },
  testNotification: { args: Empty, result: NotificationCheckSchema },
  exportDiagnostics: { args: Empty, result: z.object({ path: z.string() }) },
  /** Window actions the ringing window and the tray-first main window need. */
  showMainWindow: { args: Empty, result: Empty },
  openExternal: { args: z.object({ url: z.string().regex(/^https?:\/\//, 'only http(s) links open outside') }).strict(), result: Empty },
  /** "Restart to update": installs now, or when the current call ends (waitingForCall); `forbidden` when no update is ready. */
  installUpdate: { args: Empty, result: UpdateStateSchema },
  /** Any SFU request, relayed to the server as is; the server's answer was already checked against its result schema (sfu.ts). */
  sfu: { args: SfuInvokeArgsSchema, result: z.record(z.string(), z.unknown()) },
  /** A renderer warning or error for main's log file (and so the diagnostics export); main rate-limits it. */
  log: { args: RendererLogSchema, result: Empty },
} as const;

export const EVENTS = {
  connection: ConnectionInfoSchema,
  session: SessionInfoSchema.nullable(),
  calls: z.object({ calls: z.array(CallViewSchema) }),
  incomingCall: Call,
  handledElsewhere: PUSHES.handledOnOtherDevice,
  callRecord: z.object({ record: CallRecordSchema }),
  /** `displayName` comes with a subscription's first snapshot (names of callers and call members). */
  presence: z.object({ users: z.array(PresenceEntrySchema.extend({ displayName: z.string().optional() })) }),
  /** Favorites or recents changed (another device, a reload after reconnect, a presence in them). */
  people: People,
  missedCalls: MissedCallsSchema,
  dnd: DndStateSchema,
  settings: SettingsSchema,
  /** A main-process action the renderer should follow (deep link dial, tray "missed calls", accept from a notification). */
  notice: NoticeSchema,
  /** A global shortcut the renderer acts on (mute lives with the media, in the renderer). */
  shortcut: z.object({ action: z.enum(['toggleMute']) }),
  /** `dial` (a ringdesk://call link) only opens the contact with Call focused: the user places the call. */
  navigate: z.object({
    to: z.enum(['home', 'history', 'missed', 'settings', 'call', 'dial']),
    callID: CallIdSchema.optional(),
    userId: UserIdSchema.optional(),
    media: MediaKindSchema.optional(),
  }),
  /** The updater's state: downloading, ready ("Restart to update"), disabled by policy... */
  update: UpdateStateSchema,
  /** Every SFU push for this device, as the server sent it. */
  sfu: SfuPushEventSchema,
} as const;

export type InvokeChannel = keyof typeof INVOKES;
export type EventChannel = keyof typeof EVENTS;
export type InvokeArgs<C extends InvokeChannel> = z.input<(typeof INVOKES)[C]['args']>;
export type InvokeParsedArgs<C extends InvokeChannel> = z.infer<(typeof INVOKES)[C]['args']>;
export type InvokeResult<C extends InvokeChannel> = z.infer<(typeof INVOKES)[C]['result']>;
export type EventPayload<C extends EventChannel> = z.infer<(typeof EVENTS)[C]>;
/**
 * Every event main sends the renderer, as a TypedEmitter event map: DesktopCore's events are these
 * channels, so wiring them to a transport (the preload bridge, the headless host) is one loop.
 */
export type IpcEvents = { [C in EventChannel]: [payload: EventPayload<C>] };

// channels.ts lists the same names without zod (for the preload bundle); both lists must agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const invokeNamesAgree: Same<(typeof INVOKE_CHANNELS)[number], InvokeChannel> = true;
const eventNamesAgree: Same<(typeof EVENT_CHANNELS)[number], EventChannel> = true;
void invokeNamesAgree;
void eventNamesAgree;

export function isInvokeChannel(s: string): s is InvokeChannel {
  return Object.hasOwn(INVOKES, s);
}
