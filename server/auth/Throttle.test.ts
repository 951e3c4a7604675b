import { describe, expect, it } from 'vitest';
import { Throttle } from './Throttle.ts';

const CONFIG = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: 3_600_000, maxKeys: 3 };

describe('Throttle (injected clock)', () => {
  it('five failures are free; after the fifth the wait starts at the base and doubles with each failure up to the cap', () => {
    const t = new Throttle(CONFIG);
    let now = 0;
    const waits: number[] = [];
    for (let i = 1; i <= 12; i++) {
      t.fail('k', now);
      waits.push(t.retryAfter('k', now));
      now += t.retryAfter('k', now); // the attacker waits exactly as told, then fails again
    }
    expect(waits).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('the wait runs down with the clock, and refused attempts (no fail()) do not extend it', () => {
    const t = new Throttle(CONFIG);
    for (let i = 0; i < 6; i++) t.fail('k', 0);
    expect(t.retryAfter('k', 0)).toBe(2000);
    expect(t.retryAfter('k', 1500)).toBe(500);
    expect(t.retryAfter('k', 2000)).toBe(0);
  });

  it('never a lockout: after the cap has passed the key may try again; a quiet key is forgotten', () => {
    const t = new Throttle(CONFIG);
    for (let i = 0; i < 40; i++) t.fail('k', 0);
    expect(t.retryAfter('k', 0)).toBe(60_000);
    expect(t.retryAfter('k', 60_000)).toBe(0);
    expect(t.failures('k', CONFIG.forgetAfterMs - 1)).toBe(40);
    expect(t.failures('k', CONFIG.forgetAfterMs)).toBe(0);
  });

  it('keys are independent; reset clears one; memory is bounded by maxKeys (oldest dropped)', () => {
    const t = new Throttle(CONFIG);
    for (let i = 0; i < 5; i++) t.fail('a', 0);
    expect(t.retryAfter('a', 0)).toBe(1000);
    expect(t.retryAfter('b', 0)).toBe(0);
    t.reset('a');
    expect(t.retryAfter('a', 0)).toBe(0);
    for (const k of ['k1', 'k2', 'k3', 'k4']) t.fail(k, 1);
    expect(t.size).toBe(3);
    expect(t.failures('k1', 1)).toBe(0);
    expect(t.failures('k4', 1)).toBe(1);
  });
});
