import { RingdeskError } from '../../../src/shared/errors.ts';
import type { ParsedRequest, RequestResult, RequestType } from '../../../src/shared/protocol/index.ts';
import { accountHandlers } from './account.ts';
import { callHandlers } from './calls.ts';
import { directoryHandlers } from './directory.ts';
import { sessionHandlers } from './session.ts';
import { sfuHandlers } from './sfu.ts';
import type { Handler, HandlerMap, RequestContext, Services } from './types.ts';

export type { RequestContext, Services, Session } from './types.ts';

/**
 * Every request type's handler, one file per domain. `satisfies HandlerMap<RequestType>` makes a
 * missing type, an extra one, or a handler whose result is not its type's result a compile error.
 */
const HANDLERS = { ...sessionHandlers, ...accountHandlers, ...callHandlers, ...directoryHandlers, ...sfuHandlers } satisfies HandlerMap<RequestType>;

/** Answers one parsed request. */
export function handle<T extends RequestType>(s: Services, ctx: RequestContext, req: Extract<ParsedRequest, { type: T }>): Promise<RequestResult<T>> {
  const h = HANDLERS[req.type as T] as unknown as Handler<T> | undefined; // the map is complete (satisfies above) and keyed by type, so T's entry is Handler<T>
  if (!h) return Promise.reject(new RingdeskError('unknown_type', `unknown request type "${req.type}"`));
  return h(s, ctx, req);
}
