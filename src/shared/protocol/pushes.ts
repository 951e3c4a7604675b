import { z } from 'zod';
import {
  CallEndReasonSchema,
  CallIdSchema,
  CallInfoSchema,
  CallRecordSchema,
  CallUserInfoSchema,
  DeliverySchema,
  DeviceIdSchema,
  LIMITS,
  PresenceSchema,
  UserIdSchema,
  VersionSchema,
} from './common.ts';
import { SFU_PUSHES } from './sfu.ts';
import { DIRECTORY_LIMITS, DIRECTORY_PUSHES } from './directory.ts';

/** Every server→client push. Names follow ZIM's callbacks without the `on`. */
export const PUSHES = {
  callInvitationReceived: z.object({ call: CallInfoSchema }),
  callInvitationCreated: z.object({ call: CallInfoSchema }),
  callInvitationCancelled: z.object({ callID: CallIdSchema, inviter: UserIdSchema, extendedData: z.string(), version: VersionSchema }),
  callInvitationTimeout: z.object({ callID: CallIdSchema, version: VersionSchema }),
  callInvitationEnded: z.object({
    callID: CallIdSchema,
    /** Who called callEnd; null when the server ended it (everyone left, caller lost). */
    caller: UserIdSchema.nullable(),
    extendedData: z.string(),
    endedAt: z.number().int(),
    reason: CallEndReasonSchema,
    version: VersionSchema,
  }),
  callUserStateChanged: z.object({ callID: CallIdSchema, users: z.array(CallUserInfoSchema).max(LIMITS.maxMembersEver), version: VersionSchema }),
  /** Ringing devices and online state of invitees changed; no user state changed. */
  callDeliveryChanged: z.object({
    callID: CallIdSchema,
    users: z.array(z.object({ userId: UserIdSchema, delivery: DeliverySchema })).max(LIMITS.maxParticipants),
    version: VersionSchema,
  }),
  /** netcall's callerAckSync: this user's other device handled the call, so stop ringing here. */
  handledOnOtherDevice: z.object({
    callID: CallIdSchema,
    deviceId: DeviceIdSchema,
    deviceName: z.string(),
    action: z.enum(['accepted', 'rejected', 'joined']),
    version: VersionSchema,
  }),
  callRecord: z.object({ record: CallRecordSchema }),
  /** To subscribed connections only, batched: one push carries every change of the last flush interval. */
  presenceChanged: z.object({
    users: z.array(z.object({ userId: UserIdSchema, presence: PresenceSchema, dnd: z.boolean() })).max(DIRECTORY_LIMITS.maxSubscriptionsPerConnection),
  }),
  /** Sent just before the server closes this connection on purpose. */
  sessionClosed: z.object({ reason: z.enum(['replaced', 'loggedOut', 'accountDisabled', 'passwordChanged', 'signedOutEverywhere']) }),
  ...DIRECTORY_PUSHES,
  /** The SFU's pushes (sfu.ts). */
  ...SFU_PUSHES,
} as const;

export type PushType = keyof typeof PUSHES;
export const PUSH_TYPES = Object.keys(PUSHES) as PushType[]; // keys of a const literal
export type PushData<T extends PushType> = z.infer<(typeof PUSHES)[T]>;

/** A push with its type, as a discriminated union for switch statements. */
export type Push = { [T in PushType]: { type: T; data: PushData<T> } }[PushType];
