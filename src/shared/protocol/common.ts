import { z } from 'zod';

/** Bumped on any incompatible change; login and resume carry it. */
export const PROTOCOL_VERSION = 1;

export const LIMITS = {
  maxInviteesPerRequest: 9,
  /** ZIM: at most 10 people in one call, the creator included. */
  maxParticipants: 10,
  /**
   * Everyone an advanced-mode call has ever held, those who left included (its member list, which
   * CallInfo and the call record carry): a day-long call where people come and go stays bounded.
   */
  maxMembersEver: 100,
  minTimeoutSec: 1,
  maxTimeoutSec: 600,
  defaultTimeoutSec: 60,
  extendedDataMaxBytes: 4096,
  /** After this long with no device acknowledgement an invitee shows as NotYetReceived. */
  notReceivedCheckMs: 5_000,
  maxListCount: 100,
  maxAllowList: 200,
} as const;

/**
 * A page size. ZIM reads any count over the limit as the limit, so a client ported from it sends
 * 500 and gets 100: clamped, not refused. Below 1 is still an error.
 */
export const ListCountSchema = z
  .number()
  .int()
  .min(1)
  .transform((n) => Math.min(n, LIMITS.maxListCount));

/** UTF-8 length without TextEncoder, so this folder needs no runtime globals. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** What a user id may be; exported so a hot path can test a string the store already holds without a schema run. */
export const USER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const UserIdSchema = z
  .string()
  .regex(USER_ID_PATTERN, 'user ids are 1-64 chars: lower-case letters, digits, . _ -')
  .brand<'UserId'>();
export type UserId = z.infer<typeof UserIdSchema>;

export const DeviceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'device ids are 1-64 chars: letters, digits, _ -')
  .brand<'DeviceId'>();
export type DeviceId = z.infer<typeof DeviceIdSchema>;

export const CallIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'call ids are 1-64 chars: letters, digits, _ -')
  .brand<'CallId'>();
export type CallId = z.infer<typeof CallIdSchema>;

/** Casts for ids that come from our own code (tests, the server's id generator), not from the wire. */
export const asUserId = (s: string): UserId => UserIdSchema.parse(s);
export const asDeviceId = (s: string): DeviceId => DeviceIdSchema.parse(s);
export const asCallId = (s: string): CallId => CallIdSchema.parse(s);

export const ExtendedDataSchema = z
  .string()
  .refine((s) => utf8Length(s) <= LIMITS.extendedDataMaxBytes, {
    message: `extendedData is limited to ${LIMITS.extendedDataMaxBytes} bytes`,
  });

export const CALL_MODES = ['normal', 'advanced'] as const;
export const CallModeSchema = z.enum(CALL_MODES);
export type CallMode = z.infer<typeof CallModeSchema>;

/** ZIM's ZIMCallUserState, camel-cased on the wire. */
export const CALL_USER_STATES = [
  'inviting',
  'received',
  'notYetReceived',
  'accepted',
  'rejected',
  'cancelled',
  'timeout',
  'quit',
] as const;
export const CallUserStateSchema = z.enum(CALL_USER_STATES);
export type CallUserState = z.infer<typeof CallUserStateSchema>;

export const CallStateSchema = z.enum(['started', 'ended']);
export type CallState = z.infer<typeof CallStateSchema>;

/** Why an invitee ended up Rejected: a person declined, or the server answered for them. */
export const RejectReasonSchema = z.enum(['declined', 'busy', 'dnd']);
export type RejectReason = z.infer<typeof RejectReasonSchema>;

export const CallEndReasonSchema = z.enum(['allAnswered', 'cancelled', 'callerLost', 'connectionLost', 'ended', 'everyoneLeft']);
export type CallEndReason = z.infer<typeof CallEndReasonSchema>;

/** What the caller sees of an invitee's devices: no seed SDK shows this. */
export const DeliverySchema = z.object({
  online: z.boolean(),
  ringingDevices: z.number().int().min(0),
});
export type Delivery = z.infer<typeof DeliverySchema>;

export const CallUserInfoSchema = z.object({
  userId: UserIdSchema,
  state: CallUserStateSchema,
  extendedData: z.string(),
  invitedBy: UserIdSchema.nullable(),
  reason: RejectReasonSchema.nullable(),
  delivery: DeliverySchema.nullable(),
});
export type CallUserInfo = z.infer<typeof CallUserInfoSchema>;

/** The call's version: every change bumps it; every call push carries the version it produced. */
export const VersionSchema = z.number().int().min(0);

export const CallInfoSchema = z.object({
  callID: CallIdSchema,
  inviter: UserIdSchema,
  mode: CallModeSchema,
  timeout: z.number().int(),
  extendedData: z.string(),
  callState: CallStateSchema,
  createdAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  endReason: CallEndReasonSchema.nullable(),
  users: z.array(CallUserInfoSchema).max(LIMITS.maxMembersEver),
  version: VersionSchema,
});
export type CallInfo = z.infer<typeof CallInfoSchema>;

export const CALL_OUTCOMES = ['answered', 'missed', 'rejected', 'cancelled', 'busy', 'dnd', 'noAnswer'] as const;
export const CallOutcomeSchema = z.enum(CALL_OUTCOMES);
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;

/** The call record (话单): one per ended call, kept and pushed to every participant. */
export const CallRecordSchema = z.object({
  callID: CallIdSchema,
  inviter: UserIdSchema,
  mode: CallModeSchema,
  /** The inviter's extendedData (Ringdesk puts the media kind there); absent in records stored before it existed. */
  extendedData: z.string().optional(),
  createdAt: z.number().int(),
  endedAt: z.number().int(),
  /** From the first accept to the end; 0 when nobody answered. */
  durationMs: z.number().int().min(0),
  endReason: CallEndReasonSchema,
  participants: z
    .array(
      z.object({
        userId: UserIdSchema,
        role: z.enum(['inviter', 'invitee']),
        outcome: CallOutcomeSchema,
        /** The device that answered or declined; clients compare it with their own for "answered on another device". */
        deviceId: DeviceIdSchema.nullable(),
      }),
    )
    .max(LIMITS.maxMembersEver),
});
export type CallRecord = z.infer<typeof CallRecordSchema>;

export const PresenceSchema = z.enum(['online', 'offline']);
export type Presence = z.infer<typeof PresenceSchema>;

export const DndStatusSchema = z.object({
  enabled: z.boolean(),
  /** Contacts whose calls still ring while DND is on. */
  allowList: z.array(UserIdSchema).max(LIMITS.maxAllowList),
});
export type DndStatus = z.infer<typeof DndStatusSchema>;
