import type { FormField, FormFieldType } from '@muster/protocol';
import { AppError, ErrorCode, type FieldError } from '../../platform/errors.ts';

export const CHOICE_TYPES: ReadonlySet<FormFieldType> = new Set(['singleChoice', 'multipleChoice']);
const TEXT_TYPES: ReadonlySet<FormFieldType> = new Set(['text', 'longText']);
/** Characters a text answer may have unless the field lowers it. */
export const TEXT_CAP: Record<'text' | 'longText', number> = { text: 500, longText: 10_000 };
/** A short text field cannot be raised above this (use longText). */
const TEXT_MAX_LENGTH = 2_000;

/**
 * Checks what the schema cannot: unique keys (case-insensitively, so exports have distinct
 * columns), options exactly on choice fields and without repeats, bounds only where they mean
 * something. Every problem names its field (`body.fields.2.options`); returns the fields with
 * labels and options trimmed.
 */
export function checkFields(fields: readonly FormField[], base = 'body.fields'): FormField[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const out = fields.map((field, i) => {
    const at = (name: string, message: string) => errors.push({ field: `${base}.${i}.${name}`, message });
    const key = field.key.toLowerCase();
    if (seen.has(key)) at('key', 'repeats the key of another field');
    seen.add(key);
    const label = field.label.trim();
    if (!label) at('label', 'must not be blank');
    const options = field.options?.map((o) => o.trim());
    if (CHOICE_TYPES.has(field.type)) {
      if (!options) at('options', `is required for a ${field.type} field`);
      else if (options.some((o) => !o)) at('options', 'must not contain blank options');
      else if (new Set(options).size !== options.length) at('options', 'must not repeat an option');
    } else if (options) at('options', 'is only for singleChoice and multipleChoice fields');
    if (field.type !== 'number' && (field.min !== undefined || field.max !== undefined))
      at(field.min !== undefined ? 'min' : 'max', 'is only for number fields');
    if (field.min !== undefined && field.max !== undefined && field.min > field.max)
      at('min', 'must not be greater than max');
    if (field.maxLength !== undefined && !TEXT_TYPES.has(field.type))
      at('maxLength', 'is only for text and longText fields');
    if (field.type === 'text' && (field.maxLength ?? 0) > TEXT_MAX_LENGTH)
      at('maxLength', `must be at most ${TEXT_MAX_LENGTH} for a text field (use longText)`);
    return { ...field, label, ...(options ? { options } : {}) };
  });
  if (errors.length) {
    const first = errors[0]!;
    throw new AppError(ErrorCode.validation_failed, `${first.field} ${first.message}`, { errors });
  }
  return out;
}

/** True when two versions ask the same questions (a PATCH that repeats them makes no new version). */
export function sameFields(a: readonly FormField[], b: readonly FormField[]): boolean {
  return JSON.stringify(a.map(canonicalField)) === JSON.stringify(b.map(canonicalField));
}

function canonicalField(field: FormField) {
  return Object.fromEntries(Object.entries(field).sort(([x], [y]) => x.localeCompare(y)));
}
