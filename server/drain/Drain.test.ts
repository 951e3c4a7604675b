import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Logger } from '../logger.ts';
import type { CallHandover } from './CallHandover.ts';
import { CLUSTER_DRAIN_TIMEOUT_MS, DRAIN_CHECK_MS, Drain, type DrainClock, type DrainEnd, type DrainPorts } from './Drain.ts';

/** A clock that moves only when the test says so; timers fire in order inside advance(). */
class ManualClock implements DrainClock {
  t = 1_000_000;
  readonly #timers = new Set<{ at: number; fn: () => void }>();
  now = (): number => this.t;
  after = (ms: number, fn: () => void): (() => void) => {
    const timer = { at: this.t + ms, fn };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  };
  advance(ms: number): void {
    const to = this.t + ms;
    for (;;) {
      const next = [...this.#timers].filter((x) => x.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#timers.delete(next);
      this.t = next.at;
      next.fn();
    }
    this.t = to;
  }
  get pending(): number {
    return this.#timers.size;
  }
}

/** The server as the drain sees it: connections in calls, rooms, and a log of what was asked. */
class FakeNode implements DrainPorts {
  calls: string[] = [];
  idle = 3;
  inCall = 2;
  openRooms = 1;
  stopResult: Promise<void> = Promise.resolve();
  handover: CallHandover;
  handOverGate: Promise<number> = Promise.resolve(0);
  constructor(continuesElsewhere: boolean) {
    this.handover = {
      continuesElsewhere,
      handOver: () => {
        this.calls.push('handOver');
        return this.handOverGate;
      },
    };
  }
  release(keepInCall: boolean): number {
    this.calls.push(`release(${keepInCall ? 'keepInCall' : 'all'})`);
    this.idle = 0;
    if (!keepInCall) this.inCall = 0;
    return this.inCall;
  }
  rooms(): number {
    return this.openRooms;
  }
  holdMedia(): void {
    this.calls.push('holdMedia');
  }
  stop(): Promise<void> {
    this.calls.push('stop');
    return this.stopResult;
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

let clock: ManualClock;
let restoreLog: () => void;
const lines: Record<string, unknown>[] = [];
beforeEach(() => {
  clock = new ManualClock();
  lines.length = 0;
  restoreLog = Logger.setWriter((l) => lines.push(JSON.parse(l) as Record<string, unknown>));
});
afterEach(() => restoreLog());

/** Records how the drain ended, or that it has not yet. */
function watch(p: Promise<DrainEnd>): { end: DrainEnd | null } {
  const seen: { end: DrainEnd | null } = { end: null };
  void p.then((end) => (seen.end = end));
  return seen;
}

describe('Drain', () => {
  it('single node with no deadline configured: stops at once (the restart path), after the no-op hand-over', async () => {
    const node = new FakeNode(false);
    const d = new Drain(node, { timeoutMs: undefined, clock });
    expect(d.timeoutMs).toBe(0);
    expect(d.draining).toBe(false);
    const seen = watch(d.start());
    expect(d.draining).toBe(true);
    expect(d.startedAt).toBe(clock.t);
    await settle();
    expect(node.calls).toEqual(['handOver', 'stop']);
    expect(seen.end).toBe('immediate');
    expect(d.phase).toBe('stopped');
    expect(lines.map((l) => l['drain'])).toEqual(['started', 'handedOver', 'ending', 'stopped']);
  });

  it('single node with a deadline: idle clients go, callers stay until their calls end, then it stops', async () => {
    const node = new FakeNode(false);
    const d = new Drain(node, { timeoutMs: 60_000, clock });
    const seen = watch(d.start());
    await settle();
    expect(node.calls).toEqual(['handOver', 'release(keepInCall)']);
    expect(node.idle).toBe(0);
    expect(node.inCall).toBe(2);
    clock.advance(DRAIN_CHECK_MS * 4);
    await settle();
    expect(seen.end).toBeNull();
    expect(d.phase).toBe('draining');
    // The call ends: its room closes and its members' connections are released at the next check.
    node.openRooms = 0;
    node.inCall = 0;
    clock.advance(DRAIN_CHECK_MS);
    await settle();
    expect(seen.end).toBe('callsEnded');
    expect(node.calls.filter((c) => c === 'stop')).toHaveLength(1);
    expect(clock.pending).toBe(0); // the deadline was cancelled
  });

  it('the deadline stops the node with the calls still up', async () => {
    const node = new FakeNode(false);
    const d = new Drain(node, { timeoutMs: 10_000, clock });
    const seen = watch(d.start());
    await settle();
    clock.advance(9_999);
    await settle();
    expect(seen.end).toBeNull();
    clock.advance(1);
    await settle();
    expect(seen.end).toBe('deadline');
    expect(node.openRooms).toBe(1);
    expect(lines).toContainEqual(expect.objectContaining({ drain: 'ending', end: 'deadline', rooms: 1, afterMs: 10_000 }));
  });

  it('in a cluster: hands the leases over first, then tells every client to go, and keeps the media (default deadline)', async () => {
    const node = new FakeNode(true);
    let give!: (n: number) => void;
    node.handOverGate = new Promise((r) => (give = r));
    const d = new Drain(node, { timeoutMs: undefined, clock });
    expect(d.timeoutMs).toBe(CLUSTER_DRAIN_TIMEOUT_MS);
    const seen = watch(d.start());
    await settle();
    expect(node.calls).toEqual(['handOver']); // nobody is sent away before another node owns the calls
    give(4);
    await settle();
    expect(node.calls).toEqual(['handOver', 'holdMedia', 'release(all)']);
    expect(node.inCall).toBe(0);
    expect(lines).toContainEqual(expect.objectContaining({ drain: 'handedOver', leases: 4 }));
    clock.advance(CLUSTER_DRAIN_TIMEOUT_MS - 2 * DRAIN_CHECK_MS);
    await settle();
    expect(seen.end).toBeNull(); // the room is still up: media flows through this node
    node.openRooms = 0; // the call ended (run by another node)
    clock.advance(DRAIN_CHECK_MS);
    await settle();
    expect(seen.end).toBe('callsEnded');
  });

  it('a second start() during the drain stops promptly; further ones return the same end', async () => {
    const node = new FakeNode(false);
    const d = new Drain(node, { timeoutMs: 60_000, clock });
    const first = d.start();
    await settle();
    const second = d.start();
    expect(second).toBe(first);
    await settle();
    await expect(first).resolves.toBe('interrupted');
    await expect(d.start()).resolves.toBe('interrupted');
    expect(node.calls.filter((c) => c === 'stop')).toHaveLength(1);
  });

  it('interrupted while the hand-over is still running: stops, and the late hand-over releases nobody', async () => {
    const node = new FakeNode(true);
    let give!: (n: number) => void;
    node.handOverGate = new Promise((r) => (give = r));
    const d = new Drain(node, { timeoutMs: 60_000, clock });
    const p = d.start();
    await settle();
    void d.stopNow();
    await expect(p).resolves.toBe('interrupted');
    give(1);
    await settle();
    expect(node.calls).toEqual(['handOver', 'stop']);
  });

  it('stopNow() while serving (SIGINT) stops without a drain', async () => {
    const node = new FakeNode(false);
    const d = new Drain(node, { timeoutMs: 60_000, clock });
    await expect(d.stopNow()).resolves.toBe('immediate');
    expect(node.calls).toEqual(['stop']);
  });

  it('a failed hand-over is logged with its code and the drain goes on', async () => {
    const node = new FakeNode(true);
    node.handOverGate = Promise.reject(new Error('redis down'));
    const d = new Drain(node, { timeoutMs: 1000, clock });
    const seen = watch(d.start());
    await settle();
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', drain: 'handOverFailed' }));
    expect(node.calls).toEqual(['handOver', 'holdMedia', 'release(all)']);
    clock.advance(1000);
    await settle();
    expect(seen.end).toBe('deadline');
  });

  it('a stop that fails rejects the drain (the process then exits non-zero) and says why', async () => {
    const node = new FakeNode(false);
    node.stopResult = Promise.reject(new Error('disk gone'));
    const d = new Drain(node, { timeoutMs: 0, clock });
    await expect(d.start()).rejects.toThrow('disk gone');
    expect(d.phase).toBe('stopped');
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', drain: 'stopFailed' }));
  });
});
