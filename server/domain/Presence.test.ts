import { afterEach, describe, expect, it } from 'vitest';
import { asUserId, type PresenceEntry } from '../../src/shared/protocol/index.ts';
import { Presence, PRESENCE_SLICE, type PresenceSink } from './Presence.ts';

class Sink implements PresenceSink {
  frames: string[] = [];
  send(frame: string): void {
    this.frames.push(frame);
  }
  users(): PresenceEntry[] {
    return this.frames.flatMap((f) => (JSON.parse(f) as { data: { users: PresenceEntry[] } }).data.users);
  }
}

const u = (i: number) => asUserId(`u${i}`);
const online = (i: number): PresenceEntry => ({ userId: u(i), presence: 'online', dnd: false });
let p: Presence;
afterEach(() => p.stop());

describe('Presence by subscription', () => {
  it('a change costs one send per subscriber, however many connections are online', () => {
    for (const population of [100, 10_000]) {
      p = new Presence(1000, 500);
      const sinks = Array.from({ length: population }, () => new Sink());
      // Every connection watches 5 others; u0 is watched by exactly 3 connections.
      sinks.forEach((s, i) => p.subscribe(s, [1, 2, 3, 4, 5].map((k) => u(1 + ((i + k) % (population - 1))))));
      const watchers = [new Sink(), new Sink(), new Sink()];
      for (const w of watchers) p.subscribe(w, [u(0)]);
      p.changed(online(0));
      p.flush();
      const sends = [...sinks, ...watchers].reduce((n, s) => n + s.frames.length, 0);
      expect(sends).toBe(3);
      for (const w of watchers) expect(w.users()).toEqual([online(0)]);
      p.stop();
    }
  });

  it('batches: one push per connection per flush, with only the users it watches', () => {
    p = new Presence(1000, 500);
    const a = new Sink();
    const b = new Sink();
    p.subscribe(a, [u(1), u(2)]);
    p.subscribe(b, [u(2)]);
    p.changed(online(1));
    p.changed(online(2));
    p.changed(online(3)); // nobody watches u3: not even queued
    p.changed({ ...online(2), dnd: true }); // the latest state of u2 wins
    p.flush();
    expect(a.frames).toHaveLength(1);
    expect(a.users()).toEqual([online(1), { ...online(2), dnd: true }]);
    expect(b.users()).toEqual([{ ...online(2), dnd: true }]);
  });

  it('caps subscriptions per connection, all or nothing, naming the cap; re-subscribing is free', () => {
    p = new Presence(1000, 3);
    const a = new Sink();
    expect(p.subscribe(a, [u(1), u(2)])).toBe(2);
    expect(p.subscribe(a, [u(1), u(2), u(3)])).toBe(3);
    expect(() => p.subscribe(a, [u(4)])).toThrow(expect.objectContaining({ code: 'limit_exceeded', message: expect.stringContaining('at most 3') }));
    expect(p.subscriptionCount(a)).toBe(3);
  });

  it('unsubscribe and drop leave no trace in either index', () => {
    p = new Presence(1000, 500);
    const a = new Sink();
    const b = new Sink();
    p.subscribe(a, [u(1), u(2)]);
    p.subscribe(b, [u(1)]);
    expect(p.unsubscribe(a, [u(2), u(9)])).toBe(1);
    expect(p.watchedUsers).toBe(1);
    p.drop(a);
    p.drop(b);
    p.drop(b); // twice is harmless
    expect(p.watchedUsers).toBe(0);
    p.subscribe(a, [u(1)]); // a subscribe that finishes after its socket closed
    expect(p.watchedUsers).toBe(0);
    p.changed(online(1));
    p.flush();
    expect(a.frames.length + b.frames.length).toBe(0);
  });

  it('writes a large fan-out a slice per loop iteration, flushes in order, and skips connections closed meanwhile', () => {
    const slices: Array<() => void> = [];
    p = new Presence(1000, 500, undefined, (send) => slices.push(send));
    const n = PRESENCE_SLICE * 2 + 5;
    const sinks = Array.from({ length: n }, () => new Sink());
    for (const s of sinks) p.subscribe(s, [u(0)]);
    const offline: PresenceEntry = { userId: u(0), presence: 'offline', dnd: false };
    p.changed(offline);
    p.flush();
    const written = (): number => sinks.filter((s) => s.frames.length > 0).length;
    expect(written()).toBe(PRESENCE_SLICE);
    expect(p.queuedPushes).toBe(n - PRESENCE_SLICE);
    // The user comes back before the first flush is written: the second flush queues behind it.
    p.changed(online(0));
    p.flush();
    expect(written()).toBe(PRESENCE_SLICE);
    const last = sinks.at(-1) as Sink;
    p.drop(last);
    while (slices.length > 0) (slices.shift() as () => void)();
    expect(p.queuedPushes).toBe(0);
    expect(last.frames).toEqual([]);
    for (const s of sinks.slice(0, -1)) expect(s.users()).toEqual([offline, online(0)]);
  });
});
