import { z } from 'zod';
import {
  CallEndReasonSchema,
  CallIdSchema,
  CallModeSchema,
  CallStateSchema,
  CallUserStateSchema,
  DeviceIdSchema,
  RejectReasonSchema,
  UserIdSchema,
} from '../../src/shared/protocol/index.ts';
import { describeIssues } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';

/** Stored calls are validated on the way out too: a damaged row is reported, not trusted. */
const MemberSchema = z.object({
  userId: UserIdSchema,
  state: CallUserStateSchema,
  extendedData: z.string(),
  invitedBy: UserIdSchema.nullable(),
  reason: RejectReasonSchema.nullable(),
  deadline: z.number().nullable(),
  receivedCheckAt: z.number().nullable(),
  ackedDevices: z.array(DeviceIdSchema),
  mainDevice: DeviceIdSchema.nullable(),
  handledBy: DeviceIdSchema.nullable(),
  everAccepted: z.boolean(),
});

export const StoredCallSchema = z.object({
  callID: CallIdSchema,
  inviter: UserIdSchema,
  mode: CallModeSchema,
  timeoutSec: z.number().int(),
  extendedData: z.string(),
  callState: CallStateSchema,
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  endReason: CallEndReasonSchema.nullable(),
  firstAcceptedAt: z.number().nullable(),
  members: z.array(MemberSchema),
  /** Rows written before calls had versions read as 0. */
  version: z.number().int().min(0).default(0),
});

function check(value: unknown, what: string): Call {
  const r = StoredCallSchema.safeParse(value);
  if (!r.success) throw new Error(`${what}: ${describeIssues(r.error)}`);
  return r.data;
}

export function decodeCall(json: string): Call {
  return check(JSON.parse(json), 'stored call is damaged');
}

/** Refuses to write a call our own schema would not read back. */
export function encodeCall(call: Call): string {
  return JSON.stringify(check(call, 'refusing to store an invalid call'));
}
