/**
 * A typed emitter in the style of mediasoup's EnhancedEventEmitter: events are a map of argument tuples,
 * and a listener that throws is reported as `listenererror` instead of breaking the emitter.
 * Pure (no node:events), so the renderer and main can both use it.
 */
export type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

export class TypedEmitter<E extends EventMap> {
  /** Type-only: lets helpers infer `E` from any subclass instance. */
  declare readonly $events: E;
  readonly #listeners = new Map<keyof E, Set<Listener<never[]>>>();
  #onListenerError: (event: string, error: unknown) => void = () => undefined;

  on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(fn as unknown as Listener<never[]>); // stored untyped; on() and emit() are typed per event
    return () => this.off(event, fn);
  }

  once<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    const off = this.on(event, (...args) => {
      off();
      fn(...args);
    });
    return off;
  }

  off<K extends keyof E>(event: K, fn: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(fn as unknown as Listener<never[]>); // same untyped storage as on()
  }

  /** Where a throwing listener is reported; the other listeners still run. */
  onListenerError(fn: (event: string, error: unknown) => void): void {
    this.#onListenerError = fn;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const fn of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (fn as unknown as Listener<E[K]>)(...args); // registered under this event by on()
      } catch (e) {
        this.#onListenerError(String(event), e);
      }
    }
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
