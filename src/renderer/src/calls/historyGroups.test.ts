import { describe, expect, it } from 'vitest';
import { dayOf, groupByDay } from './historyGroups.ts';

const at = (y: number, mo: number, d: number, h = 12): number => new Date(y, mo - 1, d, h).getTime();
const NOW = at(2026, 12, 2, 9);

describe('history groups', () => {
  it('today, yesterday by the calendar, then the date', () => {
    expect(dayOf(at(2026, 12, 2, 0), NOW)).toEqual({ kind: 'today' });
    expect(dayOf(at(2026, 12, 1, 23), NOW)).toEqual({ kind: 'yesterday' });
    expect(dayOf(at(2026, 12, 1, 0), NOW)).toEqual({ kind: 'yesterday' });
    expect(dayOf(at(2026, 11, 30, 23), NOW)).toEqual({ kind: 'date', at: at(2026, 11, 30, 0) });
  });
  it('groups consecutive rows of one day, keeping their order', () => {
    const rows = [at(2026, 12, 2, 8), at(2026, 12, 2, 1), at(2026, 12, 1, 20), at(2026, 11, 20, 10), at(2026, 11, 20, 9)];
    const g = groupByDay(rows, (r) => r, NOW);
    expect(g.map((x) => [x.label.kind, x.rows.length])).toEqual([
      ['today', 2],
      ['yesterday', 1],
      ['date', 2],
    ]);
  });
});
