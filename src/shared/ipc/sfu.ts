import { z } from 'zod';
import { describeIssues } from '../protocol/envelope.ts';
import { SFU_PUSHES, SFU_REQUESTS, type SfuPush, type SfuPushType, type SfuRequestType } from '../protocol/sfu.ts';

/**
 * The SFU's messages as they cross IPC: one invoke channel `sfu` carrying `{type, data}` for any
 * SFU request, and one event channel `sfu` carrying any SFU push. Main relays them to the server
 * unchanged; the renderer's RoomClient types them through SfuPort (renderer/src/media/sfuPort.ts).
 */

export type { SfuPushType, SfuRequestType };
export type SfuRequestInput<T extends SfuRequestType> = z.input<(typeof SFU_REQUESTS)[T]['data']>;
export type SfuRequestData<T extends SfuRequestType> = z.infer<(typeof SFU_REQUESTS)[T]['data']>;
export type SfuRequestResult<T extends SfuRequestType> = z.infer<(typeof SFU_REQUESTS)[T]['result']>;
/** One parsed SFU request, type and data consistent. */
export type SfuRequest = { [T in SfuRequestType]: { type: T; data: SfuRequestData<T> } }[SfuRequestType];

export type SfuPushData<T extends SfuPushType> = z.infer<(typeof SFU_PUSHES)[T]>;
/** One SFU push as the renderer receives it: the wire's `{type, data}` unchanged. */
export type SfuPushEvent = SfuPush;

// Object.keys of a non-empty const object: the tuple type z.enum needs.
const REQUEST_TYPES = Object.keys(SFU_REQUESTS) as [SfuRequestType, ...SfuRequestType[]];
const PUSH_TYPES = Object.keys(SFU_PUSHES) as [SfuPushType, ...SfuPushType[]];

/** The `sfu` invoke's argument: the type picks the schema that parses `data` (defaults applied). */
export const SfuInvokeArgsSchema = z
  .object({ type: z.enum(REQUEST_TYPES), data: z.unknown() })
  .strict()
  .transform((a, ctx): SfuRequest => {
    const r = SFU_REQUESTS[a.type].data.safeParse(a.data ?? {});
    if (!r.success) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: `${a.type}: ${describeIssues(r.error)}` });
      return z.NEVER;
    }
    return { type: a.type, data: r.data } as SfuRequest; // the schema for `type` produced `data`
  });

/** The `sfu` event's payload, checked against the push's own schema. */
export const SfuPushEventSchema = z.custom<SfuPushEvent>((v) => {
  const head = z.object({ type: z.enum(PUSH_TYPES), data: z.unknown() }).strict().safeParse(v);
  return head.success && SFU_PUSHES[head.data.type].safeParse(head.data.data).success;
}, 'not an SFU push');
