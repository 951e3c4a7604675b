import { RingdeskError } from '../../shared/errors.ts';
import type { SfuRequest, SfuRequestInput, SfuRequestResult, SfuRequestType } from '../../shared/ipc/sfu.ts';
import type { ConnectionState } from '../signaling/SignalingClient.ts';

/** The part of the signed-in connection the relay needs (SignalingClient satisfies it). */
export interface SfuRequester {
  readonly state: ConnectionState;
  readonly session: unknown;
  request<T extends SfuRequestType>(type: T, data: SfuRequestInput<T>): Promise<SfuRequestResult<T>>;
}

/**
 * Carries one SFU request from the renderer to the server on the app's one connection. The
 * renderer never talks to the server itself; main adds nothing but the sign-in check, so the
 * server's answer (already validated by the signaling client) goes back unchanged.
 */
export function relaySfu(sig: SfuRequester | null, req: SfuRequest): Promise<Record<string, unknown>> {
  if (!sig || sig.state === 'signedOut' || !sig.session) return Promise.reject(new RingdeskError('not_signed_in', 'sign in first'));
  // `req` pairs a type with its own data (SfuInvokeArgsSchema); TS cannot follow the pair through a
  // generic call. Every SFU result schema is an object.
  const request = sig.request.bind(sig) as (type: SfuRequestType, data: SfuRequest['data']) => Promise<Record<string, unknown>>;
  return request(req.type, req.data);
}
