import { z } from 'zod';
import {
  CallIdSchema,
  CallInfoSchema,
  CallModeSchema,
  CallRecordSchema,
  ContactSchema,
  DndStatusSchema,
  LIMITS,
  PresenceSchema,
  UserIdSchema,
} from '../protocol/common.ts';
import { PUSHES } from '../protocol/pushes.ts';
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
  listContacts: { args: Empty, result: z.object({ contacts: z.array(ContactSchema) }) },
  listHistory: {
    args: z.object({ count: z.number().int().min(1).max(LIMITS.maxListCount), nextFlag: z.number().int().min(0).default(0) }).strict(),
    result: z.object({ calls: z.array(CallInfoSchema), nextFlag: z.number().int().min(0) }),
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
  presence: z.object({ users: z.array(z.object({ userId: UserIdSchema, presence: PresenceSchema, dnd: z.boolean() })) }),
  missedCalls: MissedCallsSchema,
  dnd: DndStateSchema,
  settings: SettingsSchema,
  /** A main-process action the renderer should follow (deep link dial, tray "missed calls", accept from a notification). */
  notice: NoticeSchema,
  /** A global shortcut the renderer acts on (mute lives with the media, in the renderer). */
  shortcut: z.object({ action: z.enum(['toggleMute']) }),
  navigate: z.object({ to: z.enum(['home', 'history', 'missed', 'settings', 'call', 'dial']), callID: CallIdSchema.optional(), userId: UserIdSchema.optional() }),
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

// channels.ts lists the same names without zod (for the preload bundle); both lists must agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const invokeNamesAgree: Same<(typeof INVOKE_CHANNELS)[number], InvokeChannel> = true;
const eventNamesAgree: Same<(typeof EVENT_CHANNELS)[number], EventChannel> = true;
void invokeNamesAgree;
void eventNamesAgree;

export function isInvokeChannel(s: string): s is InvokeChannel {
  return Object.hasOwn(INVOKES, s);
}
