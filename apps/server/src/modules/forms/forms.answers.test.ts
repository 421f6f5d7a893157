import type { FormField } from '@muster/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadFields } from '../../../test/factories/forms.ts';
import { AppError } from '../../platform/errors.ts';
import { safeCell } from '../../platform/http/csv.ts';
import { fingerprintOf, validateAnswers } from './forms.answers.ts';
import { csvColumns } from './forms.csv.ts';
import { submissionIdForKey, unguessableUuidv7 } from './forms.ids.ts';

const fieldsOf = (error: unknown) => (error as AppError).errors?.map((e) => e.field) ?? [];
const refusal = (fields: FormField[], answers: Record<string, unknown>) => {
  try {
    validateAnswers(fields, answers);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`accepted ${JSON.stringify(answers)}`);
};

describe('validateAnswers', () => {
  const required = { name: 'Ada', email: 'ada@example.test', consent: true };

  it('accepts a full set of answers and normalises what it stores', () => {
    const stored = validateAnswers(leadFields, {
      ...required,
      email: '  ada@example.test ',
      phone: ' +49 (30) 1234-567 ',
      about: '',
      seats: 3,
      size: '11-100',
      topics: ['chat'],
      newsletter: false,
      rating: 5,
    });
    expect(stored).toEqual({
      ...required,
      phone: '+49 (30) 1234-567',
      seats: 3,
      size: '11-100',
      topics: ['chat'],
      newsletter: false,
      rating: 5,
    });
  });

  it('reports every problem at once, each naming its field', () => {
    const error = refusal(leadFields, { name: 1, extra: true, seats: 0, consent: false });
    expect(fieldsOf(error).sort()).toEqual(
      ['answers.consent', 'answers.email', 'answers.extra', 'answers.name', 'answers.seats'].sort(),
    );
  });

  it('honours a field’s own length cap, never above the type’s', () => {
    const fields: FormField[] = [
      { key: 'short', type: 'text', label: 'S', maxLength: 5 },
      { key: 'long', type: 'longText', label: 'L' },
    ];
    expect(fieldsOf(refusal(fields, { short: 'abcdef' }))).toEqual(['answers.short']);
    expect(validateAnswers(fields, { short: 'abcde', long: 'x'.repeat(10_000) })).toHaveProperty('short');
  });

  it('treats a required checkbox as “answered”, a required consent as “given”', () => {
    const fields: FormField[] = [
      { key: 'box', type: 'checkbox', label: 'B', required: true },
      { key: 'ok', type: 'consent', label: 'C', required: true },
    ];
    expect(validateAnswers(fields, { box: false, ok: true })).toEqual({ box: false, ok: true });
    expect(fieldsOf(refusal(fields, { ok: false }))).toEqual(['answers.box', 'answers.ok']);
  });

  it('never throws anything but a validation error naming answer fields, whatever arrives', () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ maxLength: 600 }),
      fc.constantFrom('', ' ', '=1+1', 'a@b', '+1', '\u202e', NaN, Infinity, -0, 1e308, [], {}),
    );
    const keys = fc.constantFrom(
      ...leadFields.map((f) => f.key),
      'constructor',
      '__proto__',
      'toString',
      '',
      'x'.repeat(100),
    );
    fc.assert(
      fc.property(fc.dictionary(keys, value, { maxKeys: 14 }), (answers) => {
        try {
          const stored = validateAnswers(leadFields, answers);
          expect(Object.keys(stored).every((k) => leadFields.some((f) => f.key === k))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('validation_failed');
          expect(fieldsOf(error).every((f) => f === 'answers' || f.startsWith('answers.'))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fingerprints answers independently of key order', () => {
    expect(fingerprintOf({ a: 1, b: [1, 2] })).toBe(fingerprintOf({ b: [1, 2], a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });
});

describe('submission ids', () => {
  it('are UUIDv7 with a time prefix and random neighbours', () => {
    const now = Date.UTC(2031, 5, 1);
    const [a, b] = [unguessableUuidv7(now), unguessableUuidv7(now)];
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.slice(0, 13)).toBe(b.slice(0, 13)); // same millisecond
    expect(Number.parseInt(a.replaceAll('-', '').slice(0, 12), 16)).toBe(now);
    // With a counter the rest would differ in a few low bits; here about half of 74 bits differ.
    const bits = (id: string) => BigInt(`0x${id.replaceAll('-', '').slice(13)}`);
    const differing = (bits(a) ^ bits(b)).toString(2).replaceAll('0', '').length;
    expect(differing).toBeGreaterThan(10);
  });

  it('derive one id per form and Idempotency-Key', () => {
    const form = '0190a000-0000-7000-8000-000000000001';
    expect(submissionIdForKey(form, 'k')).toBe(submissionIdForKey(form, 'k'));
    expect(submissionIdForKey(form, 'k')).not.toBe(submissionIdForKey(form, 'l'));
    expect(submissionIdForKey(form, 'k')).not.toBe(submissionIdForKey(`${form.slice(0, -1)}2`, 'k'));
    expect(submissionIdForKey(form, 'k')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('CSV export', () => {
  it('defuses cells a spreadsheet would run as a formula', () => {
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(safeCell(formula)).toBe(`'${formula}`);
    for (const plain of ['Ada', '1-1', "'quoted", '']) expect(safeCell(plain)).toBe(plain);
  });

  it('has a column for every key any version asked, the current version’s first', () => {
    const v1: FormField[] = [
      { key: 'a', type: 'text', label: 'A' },
      { key: 'old', type: 'text', label: 'O' },
    ];
    const v2: FormField[] = [
      { key: 'b', type: 'text', label: 'B' },
      { key: 'a', type: 'text', label: 'A' },
    ];
    expect(
      csvColumns([v1, v2])
        .map((c) => c.header)
        .slice(7),
    ).toEqual(['b', 'a', 'old']);
    const clash: FormField[] = [{ key: 'status', type: 'text', label: 'Your status' }];
    expect(csvColumns([clash]).map((c) => c.header)).toContain('answers.status');
  });
});
