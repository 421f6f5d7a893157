import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conflictIndex, findConflicts, type TimeRange } from './agenda.conflicts.ts';

const range = (id: string, from: number, to: number): TimeRange => ({
  id,
  startsAt: new Date(from * 60_000),
  endsAt: new Date(to * 60_000),
});

describe('findConflicts', () => {
  it('treats ranges as half-open: back-to-back is no conflict, any overlap is', () => {
    expect(findConflicts([range('a', 0, 60), range('b', 60, 120)])).toEqual([]);
    expect(findConflicts([range('b', 59, 120), range('a', 0, 60)])).toEqual([{ a: 'a', b: 'b' }]);
    expect(findConflicts([range('a', 0, 120), range('b', 10, 20), range('c', 30, 40)])).toEqual([
      { a: 'a', b: 'b' },
      { a: 'a', b: 'c' },
    ]);
    expect(
      conflictIndex([
        { a: 'a', b: 'b' },
        { a: 'a', b: 'c' },
      ]).get('a'),
    ).toEqual(['b', 'c']);
  });

  it('finds exactly the pairs a brute-force check finds (property)', () => {
    const ranges = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 120 })), { maxLength: 30 })
      .map((xs) =>
        xs.map(([start, length], i) => range(`s${String(i).padStart(2, '0')}`, start, start + length)),
      );
    fc.assert(
      fc.property(ranges, (rs) => {
        const key = (x: string, y: string) => [x, y].sort().join('|');
        const expected = new Set<string>();
        for (const x of rs)
          for (const y of rs)
            if (x.id < y.id && x.startsAt < y.endsAt && y.startsAt < x.endsAt) expected.add(key(x.id, y.id));
        const found = findConflicts(rs);
        expect(new Set(found.map((c) => key(c.a, c.b)))).toEqual(expected);
        expect(found).toHaveLength(expected.size);
        const byId = new Map(rs.map((r) => [r.id, r]));
        for (const c of found) expect(byId.get(c.a)!.startsAt <= byId.get(c.b)!.startsAt).toBe(true);
      }),
    );
  });
});
