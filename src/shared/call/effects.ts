import type { CallId, CallRecord, DeviceId, UserId } from '../protocol/common.ts';
import type { Push } from '../protocol/pushes.ts';
import { RingdeskError, type ErrorCode } from '../errors.ts';
import type { Call } from './model.ts';

/**
 * What a transition asks the world to do. `device: null` means every device of the user
 * (nobody picked the call up yet); otherwise only that device, the user's main device.
 */
export type Effect =
  | { type: 'push'; userId: UserId; device: DeviceId | null; push: Push }
  | { type: 'handledElsewhere'; callID: CallId; userId: UserId; device: DeviceId; action: 'accepted' | 'rejected' | 'joined'; version: number }
  | { type: 'record'; record: CallRecord };

export type TransitionResult = { ok: true; call: Call; effects: Effect[] } | { ok: false; error: RingdeskError };

export function refuse(code: ErrorCode, message: string): TransitionResult {
  return { ok: false, error: new RingdeskError(code, message) };
}
