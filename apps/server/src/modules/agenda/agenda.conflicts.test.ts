import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overlapCounts, overlapGroups, type TimeRange } from './agenda.conflicts.ts';

const range = (id: string, from: number, to: number): TimeRange => ({
  id,
  startsAt: new Date(from * 60_000),
  endsAt: new Date(to * 60_000),
});
const overlap = (x: TimeRange, y: TimeRange) => x.startsAt < y.endsAt && y.startsAt < x.endsAt;

describe('overlapGroups', () => {
  it('treats ranges as half-open: back-to-back is no conflict, any overlap (also through a third) is', () => {
    expect(overlapGroups([range('a', 0, 60), range('b', 60, 120)])).toEqual([]);
    expect(overlapGroups([range('b', 59, 120), range('a', 0, 60)]).map((g) => g.ids)).toEqual([['a', 'b']]);
    const chain = overlapGroups([
      range('c', 100, 160),
      range('a', 0, 60),
      range('b', 50, 110),
      range('d', 200, 210),
    ]);
    expect(chain).toEqual([{ ids: ['a', 'b', 'c'], startsAt: new Date(0), endsAt: new Date(160 * 60_000) }]);
    expect(overlapCounts([range('a', 0, 60), range('b', 50, 110), range('c', 100, 160)])).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 1],
      ]),
    );
  });

  it('puts every overlapping pair in one group, and each group is connected; counts match brute force (property)', () => {
    const ranges = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 120 })), { maxLength: 30 })
      .map((xs) =>
        xs.map(([start, length], i) => range(`s${String(i).padStart(2, '0')}`, start, start + length)),
      );
    fc.assert(
      fc.property(ranges, (rs) => {
        const groups = overlapGroups(rs);
        const groupOf = new Map<string, number>();
        groups.forEach((g, i) => {
          for (const id of g.ids) {
            expect(groupOf.has(id)).toBe(false); // at most one group per range
            groupOf.set(id, i);
          }
        });
        for (const x of rs)
          for (const y of rs)
            if (x.id < y.id && overlap(x, y)) {
              expect(groupOf.get(x.id)).toBeDefined();
              expect(groupOf.get(x.id)).toBe(groupOf.get(y.id));
            }
        const byId = new Map(rs.map((r) => [r.id, r]));
        for (const g of groups) {
          expect(g.ids.length).toBeGreaterThan(1);
          // Connected: in start order, each range overlaps some range before it in the group.
          const members = g.ids.map((id) => byId.get(id)!);
          for (let i = 1; i < members.length; i++)
            expect(members.slice(0, i).some((m) => overlap(m, members[i]!))).toBe(true);
        }
        const counts = overlapCounts(rs);
        for (const x of rs) expect(counts.get(x.id)).toBe(rs.filter((y) => y !== x && overlap(x, y)).length);
      }),
    );
  });

  it('answers 10,000 mutually overlapping ranges with one group of 10,000 ids (no pairs)', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => range(`r${i}`, i, 20_000 + i));
    const groups = overlapGroups(many);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.ids).toHaveLength(10_000);
    expect(overlapCounts(many).get('r0')).toBe(9_999);
  });
});
