/**
 * A typed emitter in the style of mediasoup's EnhancedEventEmitter: events are a map of argument tuples,
 * and a listener that throws is reported instead of breaking the emitter (the other listeners still run).
 * Pure (no node:events), so the renderer and main can both use it.
 */
export type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

/** Where a throwing listener is reported: `source` is the emitter's class name. */
export type ListenerErrorSink = (source: string, event: string, error: unknown) => void;

/** Until a process wires its logger: console.error exists in Node and in the renderer alike. */
const consoleSink: ListenerErrorSink = (source, event, error) => console.error(`${source}: a "${event}" listener threw:`, error);
let listenerErrorSink: ListenerErrorSink = consoleSink;

/**
 * Sends every emitter's listener errors (those without their own onListenerError) to `sink`. Main
 * and the server call it at start-up with their logger. Returns a function that restores the
 * previous sink; `null` restores the console default.
 */
export function setListenerErrorSink(sink: ListenerErrorSink | null): () => void {
  const previous = listenerErrorSink;
  listenerErrorSink = sink ?? consoleSink;
  return () => {
    listenerErrorSink = previous;
  };
}

export class TypedEmitter<E extends EventMap> {
  /** Type-only: lets helpers infer `E` from any subclass instance. */
  declare readonly $events: E;
  readonly #listeners = new Map<keyof E, Set<Listener<never[]>>>();
  /** This emitter's own handler, if set; otherwise the process-wide sink. */
  #onListenerError: ((event: string, error: unknown) => void) | null = null;

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

  /** Reports this emitter's throwing listeners to `fn` instead of the process-wide sink. */
  onListenerError(fn: (event: string, error: unknown) => void): void {
    this.#onListenerError = fn;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const fn of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (fn as unknown as Listener<E[K]>)(...args); // registered under this event by on()
      } catch (e) {
        this.#reportListenerError(String(event), e);
      }
    }
  }

  #reportListenerError(event: string, error: unknown): void {
    try {
      if (this.#onListenerError) this.#onListenerError(event, error);
      else listenerErrorSink(this.constructor.name, event, error);
    } catch {
      // A failing reporter must not stop the remaining listeners; there is nowhere left to report to.
    }
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
