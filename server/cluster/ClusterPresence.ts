import type { PresenceEntry, UserId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import { Presence } from '../domain/Presence.ts';
import { LuaScript, PREFIX, type ClusterBus, type Envelope } from './ClusterBus.ts';
import type { RouteTable } from './RouteTable.ts';
import { errorMessage } from '../../src/shared/errors.ts';

const log = new Logger('ClusterPresence');
/** Set of the nodes that have at least one subscriber of the user. */
const watchKey = (u: string): string => `${PREFIX}pw:${u}`;

/** Publishes a presence change to the nodes watching the user (this one delivers its own subscribers itself). */
const FAN_OUT = new LuaScript(`
local n = 0
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if node ~= ARGV[1] then redis.call('PUBLISH', ARGV[3] .. 'n:' .. node, ARGV[2]); n = n + 1 end
end
return n
`);

/**
 * Presence by subscription across nodes. Each node keeps its own index (the parent class) and
 * tells Redis which users it watches (`rd:pw:<user>` = the nodes with a subscriber of that user).
 * A change is published only to those nodes, each of which fans it out to its own subscribers:
 * O(subscribers' nodes) per change, never O(online users) or O(nodes).
 *
 * "Offline" is decided cluster-wide: a user whose last device here closed is offline only if no
 * other node holds a device of theirs (the route table says).
 */
export class ClusterPresence extends Presence {
  readonly #bus: ClusterBus;
  readonly #routes: RouteTable;

  constructor(flushMs: number, capPerConnection: number, bus: ClusterBus, routes: RouteTable) {
    // The hook runs only after construction; `hook` lets it reach this instance without touching `this` before super().
    let hook: ((u: UserId, watched: boolean) => void) | null = null;
    super(flushMs, capPerConnection, (u, watched) => hook?.(u, watched));
    hook = (u, watched) => this.#watch(u, watched);
    this.#bus = bus;
    this.#routes = routes;
  }

  #watch(u: UserId, watched: boolean): void {
    const op = watched ? this.#bus.redis.sadd(watchKey(u), this.#bus.nodeId) : this.#bus.redis.srem(watchKey(u), this.#bus.nodeId);
    // Redis down: the interests are written again when it is back (reRegister).
    op.catch((e: unknown) => log.debug('presence interest in %s not written: %s', u, errorMessage(e)));
  }

  /** After Redis lost its data: every user watched here, again. */
  async reRegister(): Promise<void> {
    const users = [...this.watched()];
    const p = this.#bus.redis.pipeline();
    for (const u of users) p.sadd(watchKey(u), this.#bus.nodeId);
    await p.exec();
    log.info('re-registered presence interest in %d user(s)', users.length);
  }

  /** Handles a node message meant for presence; false when it is another kind. */
  receive(m: Envelope): boolean {
    if (m.k !== 'presence') return false;
    const { e } = m as unknown as { e: PresenceEntry }; // sealed by #publish on a node holding the secret
    super.changed(e);
    return true;
  }

  override changed(c: PresenceEntry): void {
    if (c.presence === 'online') {
      super.changed(c);
      this.#publish(c);
      return;
    }
    // The last device here went; another node may still hold one of the user's devices.
    this.#routes
      .devicesOf(c.userId)
      .then((devices) => {
        if (devices.length > 0) return;
        super.changed(c);
        this.#publish(c);
      })
      .catch((e: unknown) => {
        log.debug('offline check for %s failed: %s', c.userId, errorMessage(e));
        super.changed(c);
      });
  }

  #publish(c: PresenceEntry): void {
    FAN_OUT.run(this.#bus.redis, [watchKey(c.userId)], [this.#bus.nodeId, this.#bus.seal('presence', { e: c }), PREFIX]).catch((e: unknown) =>
      log.debug('presence of %s not published: %s', c.userId, errorMessage(e)),
    );
  }
}
