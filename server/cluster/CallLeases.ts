import { errorMessage, isRingdeskError, RingdeskError } from '../../src/shared/errors.ts';
import type { Call } from '../../src/shared/call/index.ts';
import type { CallId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import { NotOwnerError, type CallOp, type CallPlacement, type Placement } from '../domain/CallPlacement.ts';
import type { CallService } from '../domain/CallService.ts';
import { decodeCall } from '../store/callCodec.ts';
import { CallFencedError } from '../store/GroupCommit.ts';
import type { CallFence, Store } from '../store/Store.ts';
import { LuaScript, PREFIX, redisUnavailable, type ClusterBus, type Envelope } from './ClusterBus.ts';
import type { RouteTable } from './RouteTable.ts';

const log = new Logger('CallLeases');
const leaseKey = (id: string): string => `${PREFIX}lease:${id}`;
const NODES = `${PREFIX}nodes`;

/**
 * Takes the lease unless a live node holds it. Returns '' when taken (or already ours), else the
 * holder. A holder whose liveness ran out (or that the caller found deaf, ARGV[3] = 1) is replaced:
 * the fencing epoch in Postgres, not this key, is what keeps its late writes out.
 */
const CLAIM = new LuaScript(`
local h = redis.call('GET', KEYS[1])
if h and h ~= ARGV[1] and ARGV[3] ~= '1' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local alive = redis.call('ZSCORE', KEYS[2], h)
  if alive and tonumber(alive) >= now then return h end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ''
`);

/** Renews this node's leases; one that vanished (Redis restarted empty) is taken again. Returns the indexes lost to another node. */
const RENEW = new LuaScript(`
local lost = {}
for i, k in ipairs(KEYS) do
  local h = redis.call('GET', k)
  if h == ARGV[1] then redis.call('PEXPIRE', k, ARGV[2])
  elseif not h then redis.call('SET', k, ARGV[1], 'PX', ARGV[2])
  else lost[#lost + 1] = i end
end
return lost
`);

const RELEASE = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

/** Leases renewed per script call: one round trip per this many calls. */
const RENEW_BATCH = 500;

interface Waiting {
  resolve: (call: Call) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * Call ownership across nodes (CallService's CallPlacement): a lease per call in Redis (SET NX PX,
 * renewed every third of its life) plus a fencing epoch in Postgres, raised by every claim and
 * checked by every save. Requests about a call owned elsewhere are forwarded to the owner over its
 * channel and answered on ours, with a timeout.
 */
export class CallLeases implements CallPlacement {
  readonly #bus: ClusterBus;
  readonly #store: Store;
  readonly #routes: RouteTable;
  readonly #leaseMs: number;
  readonly #timeoutMs: number;
  readonly #fences = new Map<CallId, CallFence>();
  readonly #waiting = new Map<number, Waiting>();
  /** Nodes that did not receive a forward (no subscriber): their leases are taken at the next locate. */
  readonly #deaf = new Set<string>();
  /** Claims in flight: a second request about the same call waits for the first rather than claiming again. */
  readonly #claiming = new Map<CallId, Promise<Placement>>();
  #calls: CallService | null = null;
  #nextId = 1;
  #leaving = false;

  constructor(o: { bus: ClusterBus; store: Store; routes: RouteTable; leaseMs: number; forwardTimeoutMs: number }) {
    this.#bus = o.bus;
    this.#store = o.store;
    this.#routes = o.routes;
    this.#leaseMs = o.leaseMs;
    this.#timeoutMs = o.forwardTimeoutMs;
  }

  /** The service whose calls these are (it takes this as its placement, so it comes second). */
  attach(calls: CallService): void {
    this.#calls = calls;
  }

  get ownedCount(): number {
    return this.#fences.size;
  }

  async claimNew(callID: CallId): Promise<CallFence> {
    if (this.#leaving) throw new RingdeskError('unavailable', 'this server is draining; reconnect and try again');
    const holder = await this.#claim(callID, false);
    if (holder !== null) throw new RingdeskError('unavailable', 'a new call id is already leased; try again'); // a UUID collision, in practice never
    const fence = { epoch: 1, node: this.#bus.nodeId };
    this.#fences.set(callID, fence);
    return fence;
  }

  /** The holder, or null once this node holds the lease. */
  async #claim(callID: CallId, force: boolean): Promise<string | null> {
    let r: unknown;
    try {
      r = await CLAIM.run(this.#bus.redis, [leaseKey(callID), NODES], [this.#bus.nodeId, this.#leaseMs, force ? '1' : '0']);
    } catch (e) {
      throw redisUnavailable(e);
    }
    return typeof r === 'string' && r !== '' ? r : null;
  }

  async locate(callID: CallId): Promise<Placement> {
    const mine = this.#fences.get(callID);
    if (mine) return { here: true, fence: mine, claimed: null };
    // Draining: this node hands calls over and must never take one back (its clients are being sent elsewhere).
    if (this.#leaving) throw new RingdeskError('unavailable', 'this server is draining; reconnect and try again');
    // One claim per call at a time. Two claims racing on this node (an adoption sweep and a member's
    // request, say) each raised the epoch, so one of them held a stale fence from the start.
    const inFlight = this.#claiming.get(callID);
    if (inFlight) {
      const first = await inFlight;
      // The first request adopts what it claimed; this one only runs its op there.
      return first.here && first.fence ? { here: true, fence: first.fence, claimed: null } : first;
    }
    const claim = this.#claimFor(callID);
    this.#claiming.set(callID, claim);
    try {
      return await claim;
    } finally {
      this.#claiming.delete(callID);
    }
  }

  async #claimFor(callID: CallId): Promise<Placement> {
    let holder = await this.#claim(callID, false);
    if (holder !== null && this.#deaf.has(holder)) holder = await this.#claim(callID, true);
    if (holder !== null) return { here: false, node: holder };
    // The lease is ours: raise the epoch in Postgres, which also returns the call as last stored.
    let claimed: { call: Call; epoch: number } | undefined;
    try {
      claimed = await this.#store.claimCall(callID, this.#bus.nodeId);
    } catch (e) {
      this.#release(callID);
      throw e;
    }
    if (!claimed) {
      // Ended or unknown: nobody owns it; the op runs here and the machine answers call_ended / call_not_found.
      this.#release(callID);
      return { here: true, fence: null, claimed: null };
    }
    const fence = { epoch: claimed.epoch, node: this.#bus.nodeId };
    this.#fences.set(callID, fence);
    return { here: true, fence, claimed: claimed.call };
  }

  fenceOf(callID: CallId): CallFence | undefined {
    return this.#fences.get(callID);
  }

  release(callID: CallId): void {
    if (this.#fences.delete(callID)) this.#release(callID);
  }

  #release(callID: CallId): void {
    RELEASE.run(this.#bus.redis, [leaseKey(callID)], [this.#bus.nodeId]).catch((e: unknown) => log.debug('lease of %s not released (it expires): %s', callID, String(e)));
  }

  forward(node: string, callID: CallId, op: CallOp): Promise<Call> {
    const id = this.#nextId++;
    return new Promise<Call>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new RingdeskError('unavailable', 'the server running this call did not answer in time; try again'));
      }, this.#timeoutMs);
      this.#waiting.set(id, { resolve, reject, timer });
      this.#bus.send(node, 'req', { id, c: callID, op }).then(
        (receivers) => {
          if (receivers > 0) return;
          // Nobody listens on that channel: the node is gone; take its lease at the next try.
          this.#deaf.add(node);
          this.#settle(id, (w) => w.reject(new NotOwnerError(`${node} is not listening`)));
        },
        (e: unknown) => this.#settle(id, (w) => w.reject(e)),
      );
    });
  }

  #settle(id: number, fn: (w: Waiting) => void): void {
    const w = this.#waiting.get(id);
    if (!w) return;
    this.#waiting.delete(id);
    clearTimeout(w.timer);
    fn(w);
  }

  /** Handles a node message meant for call ownership; false when it is another kind. */
  receive(m: Envelope): boolean {
    if (m.k === 'req') {
      this.#deaf.delete(m.f);
      const b = m as unknown as { id: number; c: CallId; op: CallOp }; // sealed by forward() on a node holding the secret
      void this.#answer(m.f, b.id, b.c, b.op);
      return true;
    }
    if (m.k !== 'res') return false;
    const b = m as unknown as { id: number; call?: unknown; code?: string; message?: string; notOwner?: boolean }; // sealed by #answer below
    this.#settle(b.id, (w) => {
      if (b.call !== undefined) {
        try {
          w.resolve(decodeCall(JSON.stringify(b.call)));
        } catch (e) {
          w.reject(e);
        }
      } else if (b.notOwner) w.reject(new NotOwnerError(`${m.f} no longer owns the call`));
      else w.reject(new RingdeskError((b.code ?? 'internal') as RingdeskError['code'], b.message ?? 'the owning server failed')); // a code the owner's RingdeskError carried
    });
    return true;
  }

  async #answer(from: string, id: number, callID: CallId, op: CallOp): Promise<void> {
    let body: Record<string, unknown>;
    try {
      if (!this.#calls) throw new NotOwnerError('not ready');
      body = { id, call: await this.#calls.runForwarded(callID, op) };
    } catch (e) {
      if (e instanceof NotOwnerError || e instanceof CallFencedError) body = { id, notOwner: true };
      else if (isRingdeskError(e)) body = { id, code: e.code, message: e.message };
      else {
        log.child({ callID }).error('forwarded %s failed: %s', op.kind, e instanceof Error ? (e.stack ?? e.message) : String(e));
        body = { id, code: 'internal', message: 'internal server error' };
      }
    }
    await this.#bus.send(from, 'res', body).catch((e: unknown) => log.warn('answer to %s lost: %s', from, String(e)));
  }

  /** Renews every lease held; returns the calls another node took (the caller drops them). */
  async renew(): Promise<CallId[]> {
    const ids = [...this.#fences.keys()];
    const lost: CallId[] = [];
    for (let i = 0; i < ids.length; i += RENEW_BATCH) {
      const batch = ids.slice(i, i + RENEW_BATCH);
      const r = (await RENEW.run(this.#bus.redis, batch.map(leaseKey), [this.#bus.nodeId, this.#leaseMs])) as number[]; // 1-based indexes from the script
      for (const k of r) {
        const id = batch[k - 1];
        if (id !== undefined) lost.push(id);
      }
    }
    return lost;
  }

  /** Started calls whose owner stopped beating: each is offered to the service, which claims what nobody holds. */
  async sweep(limit: number): Promise<number> {
    const calls = this.#calls;
    if (!calls) return 0;
    const others = [...this.#routes.aliveNodes].filter((n) => n !== this.#bus.nodeId);
    let adopted = 0;
    for (const o of await this.#store.orphanedCalls(others, limit)) {
      if (this.#fences.has(o.callID)) continue;
      try {
        if (await calls.adoptIfOrphaned(o.callID)) adopted++;
      } catch (e) {
        log.child({ callID: o.callID }).warn('adoption failed (next sweep retries): %s', errorMessage(e));
      }
    }
    return adopted;
  }

  /** A drain: from now on this node claims no call; new calls and calls owned elsewhere answer unavailable. */
  leave(): void {
    this.#leaving = true;
  }

  /**
   * A clean stop or a drain: the leases of `ids` (default: every one held) go, so another node can
   * adopt the calls at once. Resolves with how many Redis released (a lease already expired or taken is not counted).
   */
  async releaseAll(ids: CallId[] = [...this.#fences.keys()]): Promise<number> {
    for (const id of ids) this.#fences.delete(id);
    const r = await Promise.allSettled(ids.map((id) => RELEASE.run(this.#bus.redis, [leaseKey(id)], [this.#bus.nodeId])));
    return r.filter((x) => x.status === 'fulfilled' && x.value === 1).length;
  }

  /** Rejects what is still waiting (the node is closing). */
  close(): void {
    for (const id of [...this.#waiting.keys()]) this.#settle(id, (w) => w.reject(new RingdeskError('unavailable', 'the server is shutting down')));
  }
}
