import { RENDERER_LOG_LIMITS, type RendererLogLine } from '../../shared/ipc/log.ts';
import { Logger } from './Logger.ts';

const log = new Logger('renderer');

export interface RendererLogOptions {
  /** Injected in tests. */
  now?: () => number;
  burst?: number;
  windowMs?: number;
}

/**
 * The renderer's warnings and errors, written through main's logger so they reach main.log and
 * the diagnostics export. At most `burst` lines per window: a page stuck in an error loop costs one
 * "dropped N" line per window instead of the whole rotating log. Control characters are blanked so
 * a page cannot forge a line of its own.
 */
export class RendererLog {
  readonly #now: () => number;
  readonly #burst: number;
  readonly #windowMs: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;
  #dropped = 0;

  constructor(o: RendererLogOptions = {}) {
    this.#now = o.now ?? Date.now;
    this.#burst = o.burst ?? RENDERER_LOG_LIMITS.burst;
    this.#windowMs = o.windowMs ?? RENDERER_LOG_LIMITS.windowMs;
  }

  /** Returns whether the line was written (false: over the rate, counted as dropped). */
  write(line: RendererLogLine): boolean {
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      if (this.#dropped > 0) log.warn('dropped %d renderer log lines (more than %d in %d ms)', this.#dropped, this.#burst, this.#windowMs);
      this.#windowStart = now;
      this.#count = 0;
      this.#dropped = 0;
    }
    if (this.#count >= this.#burst) {
      this.#dropped++;
      return false;
    }
    this.#count++;
    // Newlines and other control characters would let a page forge a line of its own.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    const text = line.message.replace(/[\u0000-\u001f\u007f]+/g, ' ');
    if (line.level === 'error') log.error('[%s] %s', line.scope, text);
    else log.warn('[%s] %s', line.scope, text);
    return true;
  }
}
