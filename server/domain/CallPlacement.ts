import type { Call, CallEvent } from '../../src/shared/call/index.ts';
import type { CallId, DeviceId, UserId } from '../../src/shared/protocol/index.ts';
import type { CallFence } from '../store/Store.ts';

/**
 * What CallService asks of one call on its owner: a machine event, or a device coming or going
 * (whose grace timer lives with the call). `deviceName` names the acting device for
 * "answered on <device>" when it is connected to another node.
 */
export type CallOp =
  | { kind: 'event'; ev: CallEvent; deviceName?: string | undefined }
  | { kind: 'deviceOnline'; userId: UserId; deviceId: DeviceId }
  | { kind: 'deviceOffline'; userId: UserId; deviceId: DeviceId; loggedOut: boolean };

/** Where a call's transitions run: here (with the fence to save under), or on another node. */
export type Placement =
  | { here: true; fence: CallFence; claimed: Call | null }
  /** Nobody can own it: the call ended or never existed (the op runs here and the machine refuses it). */
  | { here: true; fence: null; claimed: null }
  | { here: false; node: string };

/**
 * Cluster mode's port (server/cluster/CallLeases.ts): exactly one node runs each call's
 * transitions and timers. Absent in one process, where every call is local.
 */
export interface CallPlacement {
  /** A call created on this node: its lease and first fence. Throws `unavailable` when Redis is down. */
  claimNew(callID: CallId): Promise<CallFence>;
  /** Finds the owner, claiming the call for this node when nobody holds it. */
  locate(callID: CallId): Promise<Placement>;
  /** The fence this node saves the call under; undefined once the lease is gone. */
  fenceOf(callID: CallId): CallFence | undefined;
  /** The call ended (or was lost to another node): its lease goes. */
  release(callID: CallId): void;
  /** Runs the op on the owner node; resolves with the call after it, or throws the owner's refusal. */
  forward(node: string, callID: CallId, op: CallOp): Promise<Call>;
}

/** The owner answered that it no longer holds the call: locate again. */
export class NotOwnerError extends Error {
  override name = 'NotOwnerError';
}
