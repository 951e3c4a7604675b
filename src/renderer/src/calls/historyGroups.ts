/** History rows grouped by day, as in Teams and Signal: Today, Yesterday, then the date. Pure (the clock is passed in). */
export type DayLabel = { kind: 'today' } | { kind: 'yesterday' } | { kind: 'date'; at: number };

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function dayOf(at: number, now: number): DayLabel {
  const day = startOfDay(at);
  const today = startOfDay(now);
  if (day === today) return { kind: 'today' };
  // Yesterday by the calendar, not "24 hours ago" (DST days are 23 or 25 hours long).
  const y = new Date(today);
  y.setDate(y.getDate() - 1);
  if (day === y.getTime()) return { kind: 'yesterday' };
  return { kind: 'date', at: day };
}

/** Consecutive rows of one day share a group; rows come newest first. */
export function groupByDay<T>(rows: T[], at: (r: T) => number, now: number): { key: string; label: DayLabel; rows: T[] }[] {
  const out: { key: string; label: DayLabel; rows: T[] }[] = [];
  for (const r of rows) {
    const key = String(startOfDay(at(r)));
    const last = out.at(-1);
    if (last?.key === key) last.rows.push(r);
    else out.push({ key, label: dayOf(at(r), now), rows: [r] });
  }
  return out;
}
