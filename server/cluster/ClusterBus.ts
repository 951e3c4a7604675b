import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { errorMessage, RingdeskError } from '../../src/shared/errors.ts';
import { TypedEmitter } from '../../src/shared/events.ts';
import { Logger } from '../logger.ts';

const log = new Logger('ClusterBus');

/** Every key and channel of the cluster starts with this, so one Redis can serve other things too. */
export const PREFIX = 'rd:';
export const nodeChannel = (node: string): string => `${PREFIX}n:${node}`;

/**
 * A message between nodes. `k` is the kind; the rest is the kind's body. The envelope is checked
 * here; bodies come from our own code on a node that proved it holds the cluster secret, and each
 * consumer checks what it relies on.
 */
const EnvelopeSchema = z.object({ k: z.string().min(1), f: z.string().min(1) }).passthrough();
export type Envelope = z.infer<typeof EnvelopeSchema>;

export type ClusterBusEvents = {
  /** A signed message for this node arrived (from another node). */
  message: [msg: Envelope];
  /** Redis came back (after start or an outage): routes, interests and leases must be written again. */
  ready: [];
  /** Redis went away: cluster requests answer `unavailable` until `ready`. */
  down: [];
};

/** Fail fast while Redis is down (requests answer `unavailable`), and keep trying to reconnect. */
function options(name: string, autoPipeline = false): RedisOptions {
  return {
    connectionName: name,
    // The commands of one tick go out in one write (order kept): a node sends several per
    // transition (lease, routes, pushes), and a write each cost 13% of a node's CPU in bench:cluster.
    enableAutoPipelining: autoPipeline,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A hung (not down) Redis: a down one fails at once (no offline queue). Generous, since a push
    // that times out is lost, and a loaded machine can take seconds to answer.
    commandTimeout: 10_000,
    retryStrategy: (times) => Math.min(50 * times, 1_000),
    lazyConnect: true,
  };
}

/** A Lua script run by its SHA, sent again when Redis forgot it (after a restart). */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;
  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return redis.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

/** Any failure of a Redis command, as the client sees it: retryable, nothing changed. */
export function redisUnavailable(e: unknown): RingdeskError {
  log.debug('redis command failed: %s', errorMessage(e));
  return new RingdeskError('unavailable', 'the cluster coordinator is not reachable right now; nothing was changed, try again shortly');
}

/**
 * The node's two Redis connections (commands, and a subscriber on the node's own channel) and the
 * signed messages between nodes. Each message is `mac.json` with an HMAC-SHA256 of the JSON under
 * the cluster secret: a client of the same Redis without the secret cannot speak for a node.
 */
export class ClusterBus extends TypedEmitter<ClusterBusEvents> {
  readonly nodeId: string;
  readonly redis: Redis;
  readonly #sub: Redis;
  readonly #secret: string;
  #up = false;
  #closed = false;
  #badMacs = 0;

  constructor(url: string, nodeId: string, secret: string) {
    super();
    this.nodeId = nodeId;
    this.#secret = secret;
    this.redis = new Redis(url, options(`ringdesk:${nodeId}`, true));
    this.#sub = new Redis(url, options(`ringdesk:${nodeId}:sub`));
    this.#sub.on('message', (_channel: string, text: string) => this.#receive(text));
    for (const c of [this.redis, this.#sub]) c.on('error', (e: Error) => log.debug('redis connection: %s', e.message));
    this.redis.on('ready', () => this.#setUp(true));
    this.redis.on('close', () => this.#setUp(false));
  }

  /** Connects both links; the start of a node fails (exit 1) when Redis cannot be reached at all. */
  async start(): Promise<void> {
    await Promise.all([this.redis.connect(), this.#sub.connect()]);
    await this.#sub.subscribe(nodeChannel(this.nodeId));
    this.#setUp(true);
  }

  get up(): boolean {
    return this.#up;
  }

  #setUp(up: boolean): void {
    if (this.#closed || up === this.#up) return;
    this.#up = up;
    if (up) log.info('redis available');
    else log.warn('redis unavailable: cluster requests answer unavailable until it is back');
    this.emit(up ? 'ready' : 'down');
  }

  #mac(json: string): Buffer {
    return createHmac('sha256', this.#secret).update(json).digest();
  }

  /** The signed frame for `body` from this node; PUBLISH it to one or many channels. */
  seal(kind: string, body: Record<string, unknown>): string {
    const json = JSON.stringify({ ...body, k: kind, f: this.nodeId });
    return `${this.#mac(json).toString('base64url')}.${json}`;
  }

  /** Sends to one node's channel; resolves with how many subscribers got it (0: that node is gone). */
  async send(node: string, kind: string, body: Record<string, unknown>): Promise<number> {
    try {
      return await this.redis.publish(nodeChannel(node), this.seal(kind, body));
    } catch (e) {
      throw redisUnavailable(e);
    }
  }

  #receive(text: string): void {
    const dot = text.indexOf('.');
    const json = dot > 0 ? text.slice(dot + 1) : '';
    const mac = Buffer.from(dot > 0 ? text.slice(0, dot) : '', 'base64url');
    const want = this.#mac(json);
    if (mac.length !== want.length || !timingSafeEqual(mac, want)) {
      // Logged once per 100: a misconfigured node (another secret) must not flood the log.
      if (this.#badMacs++ % 100 === 0) log.error('dropped %d node message(s) with a bad signature: is cluster.secret the same on every node?', this.#badMacs);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      log.error('dropped a signed node message that is not JSON');
      return;
    }
    const r = EnvelopeSchema.safeParse(parsed);
    if (!r.success) {
      log.error('dropped a node message without kind or sender');
      return;
    }
    this.emit('message', r.data);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#up = false;
    await Promise.allSettled([this.#sub.quit(), this.redis.quit()]);
    this.#sub.disconnect();
    this.redis.disconnect();
  }
}
