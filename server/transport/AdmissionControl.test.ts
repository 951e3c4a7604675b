import { describe, expect, it } from 'vitest';
import { AdmissionControl, busyReason, decideAdmission, type AdmissionLimits } from './AdmissionControl.ts';

const limits: AdmissionLimits = { maxEventLoopLagMs: 100, maxPendingSignIns: 50, maxQueueWaitMs: 2000, retryAfterMs: 1000, minAdmitPerSec: 0 };

describe('decideAdmission', () => {
  it.each([
    // lag, queue wait, pending → decision
    [0, 0, 0, { admit: true }],
    [100, 2000, 49, { admit: true }], // at the lag and queue limits is still fine; pending must stay below its limit
    [101, 0, 0, { admit: false, why: 'eventLoopLag', retryAfterMs: 1010 }],
    [250, 0, 0, { admit: false, why: 'eventLoopLag', retryAfterMs: 2500 }],
    [5000, 0, 0, { admit: false, why: 'eventLoopLag', retryAfterMs: 4000 }], // the hint is capped at 4×
    [0, 3000, 0, { admit: false, why: 'queueWait', retryAfterMs: 1500 }], // a long lane with a responsive loop
    [0, 0, 50, { admit: false, why: 'pendingSignIns', retryAfterMs: 1000 }],
    [0, 0, 150, { admit: false, why: 'pendingSignIns', retryAfterMs: 3000 }],
    [300, 0, 100, { admit: false, why: 'eventLoopLag', retryAfterMs: 3000 }], // both over: the worse one sets the hint
    [0, 5000, 75, { admit: false, why: 'queueWait', retryAfterMs: 2500 }],
  ] as const)('lag %d ms, queue %d ms, %d pending → %o', (lagMs, queueWaitMs, pendingSignIns, expected) => {
    expect(decideAdmission({ lagMs, queueWaitMs, pendingSignIns }, limits)).toEqual(expected);
  });

  it('the close reason carries the hint in the documented form', () => {
    expect(busyReason(2500)).toBe('server busy; retry after 2500 ms');
    expect(Buffer.byteLength(busyReason(60_000 * 8))).toBeLessThan(123); // a close reason's limit
  });
});

describe('AdmissionControl', () => {
  it('follows the injected lag, counts pending sign-ins until each is done once, and never affects what it admitted', () => {
    let lag = 0;
    const a = new AdmissionControl({ ...limits, lag: () => lag });
    expect(a.admit()).toEqual({ admit: true });
    lag = 300;
    expect(a.admit()).toMatchObject({ admit: false, why: 'eventLoopLag', retryAfterMs: 3000 });
    lag = 10;
    const done = Array.from({ length: 50 }, () => a.signInPending());
    expect(a.admit()).toMatchObject({ admit: false, why: 'pendingSignIns' });
    done[0]?.(true);
    done[0]?.(false); // twice (signed in, then closed): counted once
    expect(a.load).toEqual({ lagMs: 10, queueWaitMs: 0, pendingSignIns: 49 });
    expect(a.admit()).toEqual({ admit: true });
    expect(a.stats).toEqual({ admitted: 2, refused: 2, admittedWhileOverloaded: 0 });
    a.stop();
  });

  it('turns newcomers away while sign-ins wait in the request lane past maxQueueWaitMs, however responsive the loop', () => {
    let wait = 0;
    const a = new AdmissionControl({ ...limits, lag: () => 20, queueWaitMs: () => wait });
    expect(a.admit()).toEqual({ admit: true });
    wait = 4000;
    expect(a.load).toEqual({ lagMs: 20, queueWaitMs: 4000, pendingSignIns: 0 });
    expect(a.admit()).toMatchObject({ admit: false, why: 'queueWait', retryAfterMs: 2000 });
    a.stop();
  });

  it('while overloaded it still admits minAdmitPerSec (a token bucket on the injected clock), so a storm drains', () => {
    let t = 0;
    const a = new AdmissionControl({ ...limits, minAdmitPerSec: 10, lag: () => 1000, now: () => t });
    const burst = Array.from({ length: 15 }, () => a.admit().admit);
    expect(burst.filter(Boolean)).toHaveLength(10); // one second's worth at once, no more
    t += 500;
    expect(Array.from({ length: 10 }, () => a.admit().admit).filter(Boolean)).toHaveLength(5);
    t += 60_000; // a long quiet spell does not bank more than one second's worth
    expect(Array.from({ length: 30 }, () => a.admit().admit).filter(Boolean)).toHaveLength(10);
    expect(a.stats).toMatchObject({ admittedWhileOverloaded: 25, refused: 30 });
    a.stop();
  });

  it('while overloaded the trickle follows the sign-ins completed over the last second, never under minAdmitPerSec', () => {
    let t = 10_000;
    const a = new AdmissionControl({ ...limits, maxPendingSignIns: 100_000, minAdmitPerSec: 10, lag: () => 1000, now: () => t });
    expect(a.trickleRate()).toBe(10);
    // 40 sign-ins complete and 5 connections close unsigned: the trickle is 40 a second.
    const pending = Array.from({ length: 45 }, () => a.signInPending());
    pending.forEach((done, i) => done(i < 40));
    expect(a.trickleRate()).toBe(40);
    t += 2000; // the bucket starts empty-handed; it refills at the trickle rate
    expect(Array.from({ length: 60 }, () => a.admit().admit).filter(Boolean)).toHaveLength(10);
    for (let i = 0; i < 40; i++) a.signInPending()(true);
    t += 500;
    expect(Array.from({ length: 60 }, () => a.admit().admit).filter(Boolean)).toHaveLength(20); // half a second at 40/s
    t += 1000; // those sign-ins are over a second old: back to the floor
    expect(a.trickleRate()).toBe(10);
    a.stop();
  });

  it('minAdmitPerSec 0 refuses everyone while overloaded, however many sign in', () => {
    const a = new AdmissionControl({ ...limits, minAdmitPerSec: 0, lag: () => 1000, now: () => 5_000 });
    for (let i = 0; i < 20; i++) a.signInPending()(true);
    expect(Array.from({ length: 20 }, () => a.admit().admit).filter(Boolean)).toHaveLength(0);
    a.stop();
  });

  it('measures real event-loop lag with monitorEventLoopDelay: a blocked loop is seen, and refuses', async () => {
    const a = new AdmissionControl({ ...limits, sampleMs: 100 });
    await new Promise((r) => setTimeout(r, 150));
    const until = Date.now() + 400;
    while (Date.now() < until); // block the loop, as a storm of sign-ins would
    // The stall shows once a sample window closes after it; wait for that (busy machines are slow to get there).
    let seen = 0;
    for (let i = 0; i < 100 && seen <= limits.maxEventLoopLagMs; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = a.load.lagMs;
    }
    expect(seen).toBeGreaterThan(limits.maxEventLoopLagMs);
    expect(a.admit()).toMatchObject({ admit: false, why: 'eventLoopLag' });
    a.stop();
  });
});
