/** The part of a net.Socket (a Writable) that the coalescer uses. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * One socket write per connection per tick. ws writes every message (header and payload) with its
 * own write; under load that is one `writev` syscall per frame, the largest cost in the server's
 * CPU profile. Corking a connection's socket at its first frame and uncorking every held socket
 * once, when the current callback and all the promise continuations it started have run, turns
 * their frames into one `writev`. That is `process.nextTick`: Node runs it after V8 has drained
 * the microtask queue, so a group-commit batch's pushes (continuations of one setImmediate), a
 * presence broadcast (one timer) or one socket's replies each leave as one write per connection.
 * A setImmediate flush would coalesce a little more but, scheduled from the check phase where the
 * group commit runs, would hold every push back for a whole extra loop iteration of I/O.
 * Frames are not merged (each stays its own WebSocket message) and their order on a socket is
 * the order ws.send was called, as before. Cork calls nest (ws corks too), so a socket is flushed
 * only when our uncork brings its count back to zero.
 */
export class WriteCoalescer {
  readonly #held = new Set<Corkable>();
  readonly #schedule: (flush: () => void) => void;
  #scheduled = false;
  /** Flushes so far, and sockets uncorked in them: sockets/flushes is the fan-out of a tick. */
  readonly stats = { flushes: 0, sockets: 0 };

  constructor(schedule: (flush: () => void) => void = (f) => process.nextTick(f)) {
    this.#schedule = schedule;
  }

  /** Call before writing to `socket`: its writes wait until the end of this tick. */
  hold(socket: Corkable): void {
    if (this.#held.has(socket)) return;
    socket.cork();
    this.#held.add(socket);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#held.size === 0) return;
    this.stats.flushes++;
    this.stats.sockets += this.#held.size;
    const held = [...this.#held];
    this.#held.clear();
    for (const s of held) s.uncork();
  }
}
