import { createHash } from 'node:crypto';
import { type FormField, MAX_ANSWERS_BYTES } from '@muster/protocol';
import { AppError, ErrorCode, type FieldError } from '../../platform/errors.ts';
import { TEXT_CAP } from './forms.fields.ts';

export type Answers = Record<string, unknown>;

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{4,30}$/;

type Check = (field: FormField, value: unknown) => { value: unknown } | { error: string };

const text =
  (cap: number): Check =>
  (field, value) => {
    if (typeof value !== 'string') return { error: 'must be a string' };
    const max = Math.min(field.maxLength ?? cap, cap);
    return value.length > max ? { error: `must be at most ${max} characters` } : { value };
  };

const checks: Record<FormField['type'], Check> = {
  text: text(TEXT_CAP.text),
  longText: text(TEXT_CAP.longText),
  email: (_f, value) => {
    if (typeof value !== 'string') return { error: 'must be a string' };
    const email = value.trim();
    return email.length <= 254 && EMAIL.test(email)
      ? { value: email }
      : { error: 'must be an e-mail address' };
  },
  phone: (_f, value) => {
    if (typeof value !== 'string') return { error: 'must be a string' };
    const phone = value.trim();
    const digits = phone.replace(/[^0-9]/g, '').length;
    return PHONE.test(phone) && digits >= 6 && digits <= 15
      ? { value: phone }
      : { error: 'must be a phone number (6 to 15 digits, optionally starting with +)' };
  },
  number: (field, value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return { error: 'must be a number' };
    if (field.min !== undefined && value < field.min) return { error: `must be at least ${field.min}` };
    if (field.max !== undefined && value > field.max) return { error: `must be at most ${field.max}` };
    return { value };
  },
  singleChoice: (field, value) =>
    typeof value === 'string' && field.options?.includes(value)
      ? { value }
      : { error: 'must be one of the options' },
  multipleChoice: (field, value) => {
    if (!Array.isArray(value) || value.length > (field.options?.length ?? 0))
      return { error: 'must be a list of options' };
    if (!value.every((v) => typeof v === 'string' && field.options?.includes(v)))
      return { error: 'must contain only the options' };
    if (new Set(value).size !== value.length) return { error: 'must not repeat an option' };
    if (field.required && value.length === 0) return { error: 'is required' };
    return { value };
  },
  checkbox: (_f, value) => (typeof value === 'boolean' ? { value } : { error: 'must be true or false' }),
  rating: (_f, value) =>
    Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5
      ? { value }
      : { error: 'must be a whole number from 1 to 5' },
  consent: (field, value) => {
    if (typeof value !== 'boolean') return { error: 'must be true or false' };
    return field.required && !value ? { error: 'must be given' } : { value };
  },
};

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * Validates answers against one version of a form. Unknown keys, wrong types, values outside
 * their field's bounds and missing required answers each name their field (`answers.email`);
 * all problems are reported at once. Returns the answers normalised (trimmed e-mail and phone,
 * blank optional answers left out), which is what is stored.
 */
export function validateAnswers(fields: readonly FormField[], answers: Answers): Answers {
  const size = Buffer.byteLength(JSON.stringify(answers));
  if (size > MAX_ANSWERS_BYTES)
    throw problem([{ field: 'answers', message: `must be at most ${MAX_ANSWERS_BYTES} bytes of JSON` }]);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const errors: FieldError[] = [];
  for (const key of Object.keys(answers))
    if (!byKey.has(key))
      errors.push({ field: `answers.${key.slice(0, 60)}`, message: 'is not a field of this form' });
  const out: Answers = {};
  for (const field of fields) {
    const value = Object.hasOwn(answers, field.key) ? answers[field.key] : undefined;
    if (isBlank(value)) {
      if (field.required) errors.push({ field: `answers.${field.key}`, message: 'is required' });
      continue;
    }
    const checked = checks[field.type](field, value);
    if ('error' in checked) errors.push({ field: `answers.${field.key}`, message: checked.error });
    else out[field.key] = checked.value;
  }
  if (errors.length) throw problem(errors);
  return out;
}

function problem(errors: FieldError[]): AppError {
  const first = errors[0]!;
  return new AppError(ErrorCode.validation_failed, `${first.field} ${first.message}`, { errors });
}

/** Identifies a submission's content: a repeat with the same id must carry the same answers. */
export function fingerprintOf(answers: Answers): string {
  return createHash('sha256').update(canonicalJson(answers)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
