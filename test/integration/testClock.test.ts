// The test clock the timing-sensitive scenario tests rely on: stopped, nothing moves unless advanced.
import { describe, expect, it } from 'vitest';
import { TestClock } from './testClock.ts';

describe('TestClock', () => {
  it('stopped: time moves only by advance(), and timers fire exactly when it reaches them, earliest first', () => {
    const clock = new TestClock().stop();
    const t0 = clock.now();
    const fired: string[] = [];
    clock.after(300, () => fired.push(`b@${clock.now() - t0}`));
    clock.after(100, () => fired.push(`a@${clock.now() - t0}`));
    const cancel = clock.after(200, () => fired.push('cancelled'));
    cancel();
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(250);
    expect(fired).toEqual(['a@349', 'b@349']);
    expect(clock.now() - t0).toBe(349);
  });

  it('start() runs on from the stopped time without jumping back, and hands pending timers to real ones', async () => {
    const clock = new TestClock().stop();
    clock.advance(60_000); // an hour ahead of the wall clock would still not go back
    const stoppedAt = clock.now();
    const fired = new Promise<number>((resolve) => clock.after(20, () => resolve(clock.now())));
    clock.start();
    expect(clock.now()).toBeGreaterThanOrEqual(stoppedAt);
    expect(await fired).toBeGreaterThanOrEqual(stoppedAt + 20 - 5); // 5 ms: millisecond rounding of two clocks
  });

  it('advance() on a running clock is a mistake in the test, and says so', () => {
    expect(() => new TestClock().advance(1)).toThrow(/needs a stopped clock/);
  });
});
