import { z } from 'zod';
import type { WireError } from '../errors.ts';
import { ERROR_CODES, RingdeskError } from '../errors.ts';
import { PUSHES, type Push, type PushType } from './pushes.ts';
import { REQUESTS, isRequestType, type RequestData, type RequestType } from './requests.ts';

/**
 * The three frame shapes. Requests carry an `id` the response echoes; pushes carry no id.
 *   request:  { id, type, data }
 *   response: { id, result } | { id, error: { code, message } }
 *   push:     { type, data }
 */
export const RequestIdSchema = z.union([z.number().int().min(0), z.string().min(1).max(64)]);
export type RequestId = z.infer<typeof RequestIdSchema>;

/** Exported for envelope.test.ts, which checks wellFormedEnvelope against it. */
export const RequestFrameSchema = z.object({ id: RequestIdSchema, type: z.string().max(64), data: z.unknown().optional() });
const WireErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string(), retryAfterMs: z.number().int().min(0).optional() });
/** A frame the server could not read at all is answered with `id: null`. */
const ResponseIdSchema = RequestIdSchema.nullable();
const ResponseFrameSchema = z.union([
  z.object({ id: RequestIdSchema, result: z.unknown() }),
  z.object({ id: ResponseIdSchema, error: WireErrorSchema }),
]);
const PushFrameSchema = z.object({ type: z.string(), data: z.unknown() });

export type ParsedRequest = { [T in RequestType]: { id: RequestId; type: T; data: RequestData<T> } }[RequestType];

export type ResponseFrame = { id: RequestId; result: unknown } | { id: RequestId | null; error: WireError };

/** Readable one-line summary of a schema failure: `invitees.0: user ids are …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses anything against a schema, throwing a RingdeskError with a readable reason. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new RingdeskError('bad_request', `${what}: ${describeIssues(r.error)}`);
  return r.data;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RingdeskError('malformed_json', 'frame is not valid JSON');
  }
}

/**
 * The envelope check of RequestFrameSchema written out, for the frames that pass it (every frame of
 * a working client: ~2,500 a second on a busy server). Null sends the frame to the schema, which
 * refuses it with its own message; so the two must agree on what passes (envelope.test.ts).
 */
export function wellFormedEnvelope(raw: unknown): { success: true; data: { id: RequestId; type: string; data: unknown } } | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const { id, type, data } = raw as { id?: unknown; type?: unknown; data?: unknown }; // each field checked below
  const idOk = typeof id === 'number' ? Number.isSafeInteger(id) && id >= 0 : typeof id === 'string' && id.length >= 1 && id.length <= 64;
  if (!idOk || typeof type !== 'string' || type.length > 64) return null;
  return { success: true, data: { id: id as RequestId, type, data } }; // id checked as RequestIdSchema would
}

/**
 * Server side: validate a client frame. Throws RingdeskError; `id` is returned separately
 * (when it could be read) so even a bad request gets an answer the client can correlate.
 */
export function parseRequestFrame(raw: unknown): { id: RequestId | null; request?: ParsedRequest; error?: RingdeskError } {
  const frame = wellFormedEnvelope(raw) ?? RequestFrameSchema.safeParse(raw);
  if (!frame.success) {
    const id = RequestIdSchema.safeParse((raw as { id?: unknown } | null)?.id); // probing only; validated by safeParse
    return { id: id.success ? id.data : null, error: new RingdeskError('bad_request', `frame: ${describeIssues(frame.error)}`) };
  }
  const { id, type, data } = frame.data;
  if (!isRequestType(type)) return { id, error: new RingdeskError('unknown_type', `unknown request type "${type}"`) };
  const parsed = REQUESTS[type].data.safeParse(data ?? {});
  if (!parsed.success) return { id, error: new RingdeskError('bad_request', `${type}: ${describeIssues(parsed.error)}`) };
  // The schema for `type` just produced `data`, so the pair is consistent.
  return { id, request: { id, type, data: parsed.data } as ParsedRequest };
}

/** Client side: a server frame is a response or a push; both are validated. */
export type ServerFrame = { kind: 'response'; frame: ResponseFrame } | { kind: 'push'; push: Push };

export function parseServerFrame(raw: unknown): ServerFrame {
  if (raw !== null && typeof raw === 'object' && 'id' in raw) {
    return { kind: 'response', frame: parseWith(ResponseFrameSchema, raw, 'response') };
  }
  const frame = parseWith(PushFrameSchema, raw, 'push');
  if (!Object.hasOwn(PUSHES, frame.type)) throw new RingdeskError('unknown_type', `unknown push type "${frame.type}"`);
  const type = frame.type as PushType; // checked with hasOwn just above
  const data = parseWith(PUSHES[type], frame.data, `push ${type}`);
  return { kind: 'push', push: { type, data } as Push }; // schema for `type` produced `data`
}

export function parseResult<T extends RequestType>(type: T, result: unknown): z.infer<(typeof REQUESTS)[T]['result']> {
  // Indexing REQUESTS by a generic key widens to the union of all results; the schema picked is T's own.
  return parseWith(REQUESTS[type].result, result, `${type} result`) as z.infer<(typeof REQUESTS)[T]['result']>;
}
