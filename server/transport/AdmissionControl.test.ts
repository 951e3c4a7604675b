import { describe, expect, it } from 'vitest';
import { AdmissionControl, busyReason, decideAdmission, type AdmissionLimits } from './AdmissionControl.ts';

const limits: AdmissionLimits = { maxEventLoopLagMs: 100, maxPendingSignIns: 50, retryAfterMs: 1000, minAdmitPerSec: 0 };

describe('decideAdmission', () => {
  it.each([
    // lag, pending → decision
    [0, 0, { admit: true }],
    [100, 49, { admit: true }], // at the lag limit is still fine; pending must stay below its limit
    [101, 0, { admit: false, why: 'eventLoopLag', retryAfterMs: 1010 }],
    [250, 0, { admit: false, why: 'eventLoopLag', retryAfterMs: 2500 }],
    [5000, 0, { admit: false, why: 'eventLoopLag', retryAfterMs: 4000 }], // the hint is capped at 4×
    [0, 50, { admit: false, why: 'pendingSignIns', retryAfterMs: 1000 }],
    [0, 150, { admit: false, why: 'pendingSignIns', retryAfterMs: 3000 }],
    [300, 100, { admit: false, why: 'eventLoopLag', retryAfterMs: 3000 }], // both over: the worse one sets the hint
  ] as const)('lag %d ms, %d pending → %o', (lagMs, pendingSignIns, expected) => {
    expect(decideAdmission({ lagMs, pendingSignIns }, limits)).toEqual(expected);
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
    done[0]?.();
    done[0]?.(); // twice (signed in, then closed): counted once
    expect(a.load).toEqual({ lagMs: 10, pendingSignIns: 49 });
    expect(a.admit()).toEqual({ admit: true });
    expect(a.stats).toEqual({ admitted: 2, refused: 2, admittedWhileOverloaded: 0 });
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
