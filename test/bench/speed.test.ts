// The machine-speed figure every load bench prints beside its results (bench/speed.ts).
import { describe, expect, it } from 'vitest';
import { describeSpeed, measureSpeed } from '../../bench/speed.ts';

describe('bench/speed', () => {
  it('times the reference work and the write(2), and says what it timed', () => {
    const s = measureSpeed();
    expect(s.jsMs).toBeGreaterThan(0);
    expect(s.syscallUs).toBeGreaterThan(0);
    expect(s.work).toMatch(/5000 × \(JSON parse \+ stringify .* HMAC-SHA256, Map set\); 10000 × write\(2\)/);
    expect(describeSpeed({ jsMs: 61.5, syscallUs: 0.42, work: '' })).toBe('61.5 ms for the reference JS work, 0.42 µs a write(2) (lower is faster; bench/speed.ts)');
  });
});
