import type { UpdaterEvent, UpdaterPort } from './UpdateController.ts';

/**
 * An updater with no network and no installer: the headless platform's (unsupported, so
 * updates are off) and the tests'. It records what it was asked and lets the caller play the
 * feed's answers (`emit`).
 */
export class RecordingUpdater implements UpdaterPort {
  readonly supported: boolean;
  #feed: string | null;
  readonly #fns = new Set<(e: UpdaterEvent) => void>();
  /** Feed URLs set, checks made and installs asked for, in order. */
  readonly calls: string[] = [];
  /** What the next check() does after recording itself: resolve, or reject with this. */
  nextCheckError: Error | null = null;

  constructor(o: { supported?: boolean; builtInFeedUrl?: string | null } = {}) {
    this.supported = o.supported ?? true;
    this.#feed = o.builtInFeedUrl === undefined ? 'https://updates.example.com/ringdesk/' : o.builtInFeedUrl;
  }

  builtInFeedUrl(): string | null {
    return this.#feed;
  }
  setFeedUrl(url: string): void {
    this.#feed = url;
    this.calls.push(`feed ${url}`);
  }
  check(): Promise<void> {
    this.calls.push('check');
    const e = this.nextCheckError;
    this.nextCheckError = null;
    return e ? Promise.reject(e) : Promise.resolve();
  }
  onEvent(fn: (e: UpdaterEvent) => void): () => void {
    this.#fns.add(fn);
    return () => this.#fns.delete(fn);
  }
  quitAndInstall(): void {
    this.calls.push('quitAndInstall');
  }
  /** Plays one event from the "feed". */
  emit(e: UpdaterEvent): void {
    for (const fn of this.#fns) fn(e);
  }
}
