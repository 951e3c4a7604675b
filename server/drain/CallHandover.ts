/**
 * Where a draining node's calls go. In a cluster (issue 12) other nodes take over the call leases
 * and run the calls' transitions and timers, while this node keeps their media until they end; a
 * single node has nowhere to give them. This is the seam the cluster mode plugs into; nothing here
 * knows Redis.
 */
export interface CallHandover {
  /**
   * True when other nodes go on with this node's calls: its clients are then all told to reconnect
   * elsewhere at once. False on a single node: it still runs its calls, so their members stay on it.
   */
  readonly continuesElsewhere: boolean;
  /**
   * Gives this node's call leases to other nodes and resolves with how many it gave. After it
   * resolves this node runs none of those calls' transitions or timers. A rejection is logged and
   * the drain goes on (the leases then expire and are adopted as after a crash).
   */
  handOver(): Promise<number>;
}

/** A single node: nothing to hand over, nobody else to go on with the calls. */
export const SINGLE_NODE_HANDOVER: CallHandover = {
  continuesElsewhere: false,
  handOver: () => Promise.resolve(0),
};
