import { SFU_REQUESTS, type RequestResult, type SfuRequestType } from '../../../src/shared/protocol/index.ts';
import { actor, type Handler, type HandlerMap } from './types.ts';

/**
 * Every sfu* request goes to SfuService, which authorizes and queues them together. Its switch
 * returns the union of the SFU results; the tests in test/integration/sfu*.test.ts check each
 * result against its schema, and the client parses every result with its type's schema.
 */
function relay<T extends SfuRequestType>(): Handler<T> {
  return async (s, ctx, req) => (await s.sfu.handle(actor(ctx), req)) as RequestResult<T>; // SfuService answers req.type's own result
}

export const sfuHandlers = Object.fromEntries(Object.keys(SFU_REQUESTS).map((t) => [t, relay()])) as HandlerMap<SfuRequestType>; // one relay per key of SFU_REQUESTS
