// A RingdeskApi for component tests: installed as window.ringdesk, it records every invoke, answers
// from handlers, and lets tests push events. Arguments, replies and events are checked against the
// IPC contract's schemas, as main checks arguments, so a test cannot pass on a shape main would refuse.
import { eventMethodName, type RingdeskApi } from '../../../shared/ipc/api.ts';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type InvokeReply } from '../../../shared/ipc/channels.ts';
import {
  EVENTS,
  INVOKES,
  type EventChannel,
  type EventPayload,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeParsedArgs,
  type InvokeResult,
} from '../../../shared/ipc/contract.ts';
import type { AppSnapshot } from '../../../shared/ipc/model.ts';
import { asDeviceId } from '../../../shared/protocol/common.ts';
import type { DirectoryUser } from '../../../shared/protocol/directory.ts';
import { makeSnapshot } from './fixtures.ts';

export type Handler<C extends InvokeChannel> = (args: InvokeParsedArgs<C>) => InvokeResult<C> | Promise<InvokeResult<C>>;
export interface Invoke {
  channel: InvokeChannel;
  /** As the renderer sent them (before the schema's defaults). */
  args: unknown;
}

type AnyHandler = (args: unknown) => unknown;

export class FakeBridge {
  readonly invokes: Invoke[] = [];
  /** Invokes main would refuse as bad_request (each with the schema's complaint). */
  readonly refused: { channel: string; issue: string }[] = [];
  snapshot: AppSnapshot;
  /** The fake directory; every one of them starts as a favorite (no recents unless set). */
  contacts: DirectoryUser[] = [];
  favorites: DirectoryUser[] = [];
  recents: DirectoryUser[] = [];
  readonly api: RingdeskApi;
  readonly #handlers = new Map<string, AnyHandler>();
  readonly #failures = new Map<string, { code: string; message: string; retryAfterMs?: number }[]>();
  readonly #listeners = new Map<string, Set<(p: unknown) => void>>();

  constructor(o: { snapshot?: AppSnapshot; contacts?: DirectoryUser[]; recents?: DirectoryUser[] } = {}) {
    this.snapshot = o.snapshot ?? makeSnapshot();
    this.contacts = o.contacts ?? [];
    this.favorites = [...this.contacts];
    this.recents = o.recents ?? [];
    const api: Record<string, unknown> = {};
    for (const c of INVOKE_CHANNELS) api[c] = (args: unknown) => this.#invoke(c, args);
    for (const c of EVENT_CHANNELS) api[eventMethodName(c)] = (fn: (p: unknown) => void) => this.#listen(c, fn);
    this.api = api as unknown as RingdeskApi; // built from the channel lists RingdeskApi is mapped from
    this.#defaults();
  }

  install(): this {
    window.ringdesk = this.api;
    return this;
  }

  uninstall(): void {
    if (window.ringdesk === this.api) delete window.ringdesk;
  }

  /** Answers `channel` with `fn` from now on. */
  handle<C extends InvokeChannel>(channel: C, fn: Handler<C>): this {
    this.#handlers.set(channel, fn as AnyHandler); // the map erases C; handle() is the only writer
    return this;
  }

  /** The next invoke of `channel` answers `ok:false` with this code (queue several by calling again). */
  fail(channel: InvokeChannel, code: string, message = `fake ${code}`, retryAfterMs?: number): this {
    const q = this.#failures.get(channel) ?? [];
    q.push(retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs });
    this.#failures.set(channel, q);
    return this;
  }

  /** Pushes an event as main would (checked against the contract first). */
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    const r = EVENTS[channel].safeParse(payload);
    if (!r.success) throw new Error(`fake event ${channel} does not match the contract: ${r.error.message}`);
    for (const fn of [...(this.#listeners.get(channel) ?? [])]) fn(payload);
  }

  /** The arguments of every invoke of `channel`, in order. */
  argsOf<C extends InvokeChannel>(channel: C): InvokeArgs<C>[] {
    return this.invokes.filter((i) => i.channel === channel).map((i) => i.args as InvokeArgs<C>); // recorded for this channel
  }

  listeners(channel: EventChannel): number {
    return this.#listeners.get(channel)?.size ?? 0;
  }

  async #invoke(channel: InvokeChannel, args: unknown): Promise<InvokeReply<unknown>> {
    this.invokes.push({ channel, args });
    const parsed = INVOKES[channel].args.safeParse(args);
    if (!parsed.success) {
      this.refused.push({ channel, issue: parsed.error.message });
      return { ok: false, error: { code: 'bad_request', message: parsed.error.message } };
    }
    const failure = this.#failures.get(channel)?.shift();
    if (failure) return { ok: false, error: failure };
    const h = this.#handlers.get(channel);
    if (!h) return { ok: false, error: { code: 'internal', message: `the fake has no handler for ${channel}` } };
    const value = await h(parsed.data);
    const checked = INVOKES[channel].result.safeParse(value);
    if (!checked.success) throw new Error(`fake reply to ${channel} does not match the contract: ${checked.error.message}`);
    return { ok: true, value };
  }

  #listen(channel: string, fn: (p: unknown) => void): () => void {
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  #defaults(): void {
    this.handle('getSnapshot', () => this.snapshot);
    const people = () => ({ favorites: this.favorites, recents: this.recents });
    this.handle('getPeople', people);
    // Prefix of the id or of a name word, case-insensitive: enough of the server's rule for the views.
    this.handle('directorySearch', (a) => {
      const q = a.query.toLowerCase();
      const hits = [...this.contacts, ...this.recents].filter((c, i, all) => all.findIndex((x) => x.userId === c.userId) === i && [c.userId, ...c.displayName.toLowerCase().split(/[^\p{L}\p{N}]+/u)].some((w) => w.startsWith(q)));
      const start = a.cursor ? Number(a.cursor) : 0;
      const page = hits.slice(start, start + a.limit);
      return { users: page, nextCursor: start + a.limit < hits.length ? String(start + a.limit) : null };
    });
    this.handle('directoryClear', () => ({}));
    this.handle('favoriteAdd', (a) => {
      const u = [...this.contacts, ...this.recents].find((c) => c.userId === a.userId);
      if (u && !this.favorites.some((f) => f.userId === a.userId)) this.favorites = [...this.favorites, u];
      return people();
    });
    this.handle('favoriteRemove', (a) => {
      this.favorites = this.favorites.filter((f) => f.userId !== a.userId);
      return people();
    });
    this.handle('login', (a) => {
      const session = { serverUrl: a.serverUrl, userId: a.userId, displayName: a.userId.toUpperCase(), deviceId: this.snapshot.session?.deviceId ?? asDeviceId('dev-1'), deviceName: 'this-pc' };
      this.snapshot = { ...this.snapshot, session };
      return session;
    });
    this.handle('logout', () => {
      this.snapshot = { ...this.snapshot, session: null };
      return {};
    });
    this.handle('signOutEverywhere', () => {
      this.snapshot = { ...this.snapshot, session: null };
      return {};
    });
    this.handle('listHistory', () => ({ calls: [], nextFlag: 0 }));
    this.handle('getSettings', () => this.snapshot.settings);
    this.handle('updateSettings', (patch) => {
      this.snapshot = { ...this.snapshot, settings: { ...this.snapshot.settings, ...patch } };
      return this.snapshot.settings;
    });
    this.handle('setDnd', (a) => ({ ...this.snapshot.dnd, app: a, effective: a.enabled ? 'app' : this.snapshot.dnd.os.active && this.snapshot.dnd.followOs ? 'os' : 'off' }));
    this.handle('markMissedSeen', () => ({ count: 0, calls: [] }));
    this.handle('dismissCall', () => ({}));
    this.handle('getDevice', () => ({ deviceId: 'dev-1', deviceName: 'this-pc' }));
    this.handle('setDeviceName', (a) => ({ deviceId: 'dev-1', deviceName: a.deviceName }));
    this.handle('testNotification', () => ({ ok: true, problems: [] }));
    this.handle('exportDiagnostics', () => ({ path: '/tmp/ringdesk-diagnostics.json' }));
    this.handle('showMainWindow', () => ({}));
    this.handle('log', () => ({}));
    this.handle('installUpdate', () => ({ ...this.snapshot.update, waitingForCall: true }));
  }
}
