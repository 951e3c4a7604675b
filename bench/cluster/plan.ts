// Who sits where in bench/cluster.ts: users 0..per-1 on node 1, per..2·per-1 on node 2, …; every pair's
// caller and invitee on different nodes (when there are two or more), both in one client worker (one clock).

export interface WorkerPlan {
  /** User indices: [caller, invitee] × pairs, then the churn pool's users. */
  users: number[];
  /** The node (0-based) of each user, in `users` order. */
  nodeOf: number[];
  pairs: number;
}

export interface Plan {
  workers: WorkerPlan[];
  pairs: number;
  /** Pairs whose caller and invitee are on different nodes. */
  crossNodePairs: number;
  churnPool: number;
}

/**
 * Node n's users, less its share of the churn pool (its last ones), split in two halves: the first
 * half calls the second half of node n+1's users (mod nodes). With one node both halves are its own.
 * Pairs are dealt round the nodes (a pair with a caller on node 1, then node 2, …): a worker's
 * schedule walks its pairs in order, so pairs laid out node by node had every invitation of a short
 * window come from node 1's callers to node 2, leaving node 3 idle.
 */
export function planUsers(users: number, nodes: number, workers: number, churnPool: number): Plan {
  const per = Math.floor(users / nodes);
  const churnPerNode = Math.floor(churnPool / nodes);
  const half = Math.floor((per - churnPerNode) / 2);
  const plans: WorkerPlan[] = Array.from({ length: workers }, () => ({ users: [], nodeOf: [], pairs: 0 }));
  let k = 0;
  let cross = 0;
  for (let j = 0; j < half; j++) {
    for (let n = 0; n < nodes; n++, k++) {
      const m = (n + 1) % nodes;
      const w = plans[k % workers] as WorkerPlan; // k % workers < workers
      w.users.push(n * per + j, m * per + half + j);
      w.nodeOf.push(n, m);
      w.pairs++;
      if (m !== n) cross++;
    }
  }
  let c = 0;
  for (let n = 0; n < nodes; n++) {
    for (let i = per - churnPerNode; i < per; i++, c++) {
      const w = plans[c % workers] as WorkerPlan;
      w.users.push(n * per + i);
      w.nodeOf.push(n);
    }
  }
  return { workers: plans, pairs: k, crossNodePairs: cross, churnPool: churnPerNode * nodes };
}
