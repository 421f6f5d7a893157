/** Anything with a half-open time range `[startsAt, endsAt)`; back-to-back ranges do not overlap. */
export interface TimeRange {
  id: string;
  startsAt: Date;
  endsAt: Date;
}

export interface Conflict {
  a: string;
  b: string;
}

const byStart = (x: TimeRange, y: TimeRange) =>
  x.startsAt.getTime() - y.startsAt.getTime() || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/**
 * Every pair of overlapping ranges, once, with `a` the range that starts first (ties by id). A sweep
 * over start times keeps it O(n log n + conflicts) for schedules of any size.
 */
export function findConflicts(ranges: readonly TimeRange[]): Conflict[] {
  const sorted = [...ranges].sort(byStart);
  const conflicts: Conflict[] = [];
  let active: TimeRange[] = [];
  for (const range of sorted) {
    const start = range.startsAt.getTime();
    active = active.filter((open) => open.endsAt.getTime() > start);
    for (const open of active) conflicts.push({ a: open.id, b: range.id });
    active.push(range);
  }
  return conflicts;
}

/** For each id, the ids it conflicts with, in the order the conflicts were found. */
export function conflictIndex(conflicts: readonly Conflict[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = index.get(from);
    if (list) list.push(to);
    else index.set(from, [to]);
  };
  for (const { a, b } of conflicts) {
    add(a, b);
    add(b, a);
  }
  return index;
}
