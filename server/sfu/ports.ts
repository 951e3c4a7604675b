import type { Call } from '../../src/shared/call/index.ts';
import type { CallId, DeviceId, ParsedRequest, Push, RequestResult, SfuRequestType, UserId } from '../../src/shared/protocol/index.ts';
import type { CallServiceEvents } from '../domain/CallService.ts';

// What SfuService needs from the rest of the server, as narrow ports. On one node the CallService and
// the SessionRegistry are these; in a cluster, server/cluster/media provides the sessions and the
// remote side, and the signaling cluster provides a call view that sees every node's changes.

export type SfuRequest = Extract<ParsedRequest, { type: SfuRequestType }>;
export type SfuResult = RequestResult<SfuRequestType>;

/** Who sends a request: the device the signaling node authenticated. */
export interface SfuActor {
  userId: UserId;
  deviceId: DeviceId;
}

/**
 * The calls as the SFU reads them: authorization checks a member's state at every request, and
 * every change is synced into the room. In a cluster, `changed` must fire on the media node for
 * changes made on any node (the call's lease owner), and `startedCall` must read the shared state.
 */
export interface MediaCalls {
  /** The call if it is started and not ended; undefined otherwise. */
  startedCall(callID: CallId): Call | undefined | Promise<Call | undefined>;
  /** Any call, ended ones included (only to tell "ended" from "no such call"). */
  get(callID: CallId): Promise<Call | undefined>;
  on(event: 'changed', listener: (...args: CallServiceEvents['changed']) => void): unknown;
}

/**
 * The devices the SFU can reach. `device` answers "is it connected (here or, in a cluster, through a
 * relay)" for the grace timer and gives the name shown to the others; `push` delivers a push.
 */
export interface MediaSessions {
  device(userId: UserId, deviceId: DeviceId): { readonly deviceName: string } | undefined;
  push(userId: UserId, deviceId: DeviceId, push: Push): void;
}

/** Where a call's room lives: here (on a given worker, or any when null) or on another node. */
export type Placement = { nodeId: null; worker: number | null } | { nodeId: string };

/**
 * The cluster's side of the SFU (server/cluster/media/ClusterMedia.ts). Absent on a single node:
 * every room is local.
 */
export interface MediaRemote {
  /** Decided once per call, cluster-wide; answers "here" when the cluster cannot say (Redis down). */
  locate(callID: CallId): Promise<Placement>;
  /** Runs the request on the media node; its errors come back as they were thrown there. */
  forward(nodeId: string, actor: SfuActor, req: SfuRequest): Promise<SfuResult>;
  /** A local device's connection came back or dropped: the media nodes it used start or stop its grace. */
  deviceOnline(userId: UserId, deviceId: DeviceId): void;
  deviceOffline(userId: UserId, deviceId: DeviceId): void;
  /** The call ended: its placement is dropped. */
  forget(callID: CallId): void;
  /** This node drains: it takes no new rooms (the others are told now), and keeps those it has until they end. */
  draining(): void;
}
