import type { z } from 'zod';
import { errorMessage, isRingdeskError, RingdeskError } from '../../src/shared/errors.ts';
import { describeIssues } from '../../src/shared/protocol/index.ts';

/** mediasoup's messages are short and hold no secrets, but are not meant to be unbounded on the wire. */
const MAX_MESSAGE = 200;

/**
 * Runs a mediasoup call and turns what it throws (TypeError for bad parameters, UnsupportedError,
 * InvalidStateError) into `media_rejected`, so a client's bad input is an answer, never a crash.
 */
export async function mediasoupCall<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (isRingdeskError(e)) throw e;
    const msg = errorMessage(e);
    throw new RingdeskError('media_rejected', `${what}: ${msg}`.slice(0, MAX_MESSAGE));
  }
}

/**
 * mediasoup's objects as the wire schema has them (mediasoup types parameters as `unknown`).
 * Parsing, not casting: what we send is what every client's parser accepts; a mismatch is our bug.
 */
export function toWire<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new RingdeskError('internal', `${what} does not fit the protocol: ${describeIssues(r.error)}`.slice(0, MAX_MESSAGE));
  return r.data;
}
