import { z } from 'zod';
import {
  CallIdSchema,
  CallInfoSchema,
  CallModeSchema,
  CallRecordSchema,
  DeviceIdSchema,
  DndStatusSchema,
  ExtendedDataSchema,
  LIMITS,
  ListCountSchema,
  UserIdSchema,
} from './common.ts';
import { SFU_REQUESTS } from './sfu.ts';
import { DIRECTORY_REQUESTS } from './directory.ts';

const InviteeListSchema = z
  .array(UserIdSchema)
  .max(LIMITS.maxInviteesPerRequest, `at most ${LIMITS.maxInviteesPerRequest} invitees per request`)
  .refine((a) => new Set(a).size === a.length, 'invitees must not repeat');
const InviteesSchema = InviteeListSchema.refine((a) => a.length > 0, 'at least one invitee');

const ErrorInviteeSchema = z.object({ userId: z.string(), reason: z.enum(['unknown', 'alreadyInCall', 'self']) });

const SessionSchema = z.object({
  token: z.string(),
  expiresAt: z.number().int(),
  userId: UserIdSchema,
  displayName: z.string(),
  deviceId: DeviceIdSchema,
  dnd: DndStatusSchema,
  serverTime: z.number().int(),
  /** Send a heartbeat this often; the server drops connections silent for a few intervals. */
  heartbeatIntervalMs: z.number().int().min(100),
});

const DeviceHelloSchema = {
  deviceId: DeviceIdSchema,
  deviceName: z.string().min(1).max(64),
  protocolVersion: z.number().int(),
};

const CallIdOnly = z.object({ callID: CallIdSchema });
const WithExtended = z.object({ callID: CallIdSchema, extendedData: ExtendedDataSchema.optional() });

/**
 * Every client→server request: its payload (`data`) and what a success returns (`result`).
 * Declared once; the server, the main-process client and docs/protocol.md all read it.
 */
export const REQUESTS = {
  login: {
    data: z.object({ userId: UserIdSchema, password: z.string().min(1).max(256), ...DeviceHelloSchema }),
    result: SessionSchema,
  },
  resume: {
    data: z.object({ token: z.string().min(1).max(2048), ...DeviceHelloSchema }),
    result: SessionSchema,
  },
  logout: { data: z.object({}), result: z.object({}) },
  /** Ends every session of this user (every device's tokens); the others are closed with 4410, this one with 4000 after the reply. */
  signOutEverywhere: { data: z.object({}), result: z.object({}) },
  heartbeat: { data: z.object({}), result: z.object({ serverTime: z.number().int() }) },
  setDNDStatus: { data: DndStatusSchema, result: DndStatusSchema },
  callInvite: {
    data: z.object({
      /** May be empty in advanced mode: a room that people are called into later (CloudRoom). */
      invitees: InviteeListSchema,
      mode: CallModeSchema.default('normal'),
      timeout: z.number().int().min(LIMITS.minTimeoutSec).max(LIMITS.maxTimeoutSec).default(LIMITS.defaultTimeoutSec),
      extendedData: ExtendedDataSchema.default(''),
    }),
    result: z.object({ call: CallInfoSchema, errorInvitees: z.array(ErrorInviteeSchema).max(LIMITS.maxInviteesPerRequest) }),
  },
  callCancel: {
    data: z.object({
      callID: CallIdSchema,
      /** Omitted: every pending invitee this user invited. */
      invitees: InviteesSchema.optional(),
      extendedData: ExtendedDataSchema.optional(),
    }),
    result: z.object({ call: CallInfoSchema, errorInvitees: z.array(ErrorInviteeSchema).max(LIMITS.maxInviteesPerRequest) }),
  },
  callAccept: { data: WithExtended, result: z.object({ call: CallInfoSchema }) },
  callReject: { data: WithExtended, result: z.object({ call: CallInfoSchema }) },
  /** A device says it got the invitation and is ringing: this drives Received. */
  callAck: { data: CallIdOnly, result: z.object({ call: CallInfoSchema }) },
  callingInvite: {
    data: z.object({ callID: CallIdSchema, invitees: InviteesSchema, extendedData: ExtendedDataSchema.optional() }),
    result: z.object({ call: CallInfoSchema, errorInvitees: z.array(ErrorInviteeSchema).max(LIMITS.maxInviteesPerRequest) }),
  },
  callJoin: { data: WithExtended, result: z.object({ call: CallInfoSchema }) },
  callQuit: { data: WithExtended, result: z.object({ call: CallInfoSchema }) },
  callEnd: { data: WithExtended, result: z.object({ call: CallInfoSchema }) },
  queryCallInvitationList: {
    data: z.object({
      count: ListCountSchema,
      /** 0: start from the newest call. Otherwise the nextFlag of the previous page. */
      nextFlag: z.number().int().min(0).default(0),
    }),
    /** nextFlag 0 means there is nothing older. */
    result: z.object({ calls: z.array(CallInfoSchema).max(LIMITS.maxListCount), nextFlag: z.number().int().min(0) }),
  },
  /** The calls still started that involve this user (the newest maxListCount): what a reconnecting client re-reads. */
  queryActiveCalls: { data: z.object({}), result: z.object({ calls: z.array(CallInfoSchema).max(LIMITS.maxListCount) }) },
  /** The records (话单) of ended calls this user was in, newest call first: outcomes and durations, also of calls that ended while the user was offline. */
  queryCallRecords: {
    data: z.object({
      count: ListCountSchema,
      /** 0: start from the newest record. Otherwise the nextFlag of the previous page. */
      nextFlag: z.number().int().min(0).default(0),
    }),
    /** nextFlag 0 means there is nothing older. */
    result: z.object({ records: z.array(CallRecordSchema).max(LIMITS.maxListCount), nextFlag: z.number().int().min(0) }),
  },
  /** The directory, favorites, recents and presence subscriptions (directory.ts). */
  ...DIRECTORY_REQUESTS,
  /** The SFU's signaling (sfu.ts): same socket, same envelope. */
  ...SFU_REQUESTS,
} as const;

export type RequestType = keyof typeof REQUESTS;
export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[]; // keys of a const literal
export type RequestData<T extends RequestType> = z.infer<(typeof REQUESTS)[T]['data']>;
/** What callers may pass: defaults not yet applied. */
export type RequestInput<T extends RequestType> = z.input<(typeof REQUESTS)[T]['data']>;
export type RequestResult<T extends RequestType> = z.infer<(typeof REQUESTS)[T]['result']>;

/** Requests a connection may send before it has authenticated. */
export const PRE_AUTH_REQUESTS: ReadonlySet<RequestType> = new Set<RequestType>(['login', 'resume']);

export function isRequestType(s: string): s is RequestType {
  return Object.hasOwn(REQUESTS, s);
}
