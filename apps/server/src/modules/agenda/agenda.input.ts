import type { CreateSessionBody } from '@muster/protocol';
import { invalid } from '../../platform/errors.ts';
import type { sessions } from './agenda.tables.ts';

type SessionColumns = Partial<typeof sessions.$inferInsert>;

/**
 * PostgreSQL cannot store U+0000 in `text` or `jsonb`; refusing it here turns what would be a
 * driver error (a 500) into a 400 that names the field.
 */
export function storableText(field: string, value: string): string {
  if (value.includes('\u0000')) throw invalid(field, 'must not contain NUL characters');
  return value;
}

function requiredText(field: string, value: string): string {
  const trimmed = storableText(field, value).trim();
  if (!trimmed) throw invalid(field, 'must not be blank');
  return trimmed;
}

function optionalText(field: string, value: string | null | undefined): string | null | undefined {
  return value === undefined || value === null ? value : requiredText(field, value);
}

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Maps (part of) a session body onto columns; absent fields stay absent so a PATCH touches only what it names. */
export function sessionColumns(input: Partial<CreateSessionBody>): SessionColumns {
  return defined({
    title: input.title === undefined ? undefined : requiredText('body.title', input.title),
    description:
      input.description === undefined || input.description === null
        ? input.description
        : storableText('body.description', input.description),
    startsAt: input.startsAt === undefined ? undefined : new Date(input.startsAt),
    endsAt: input.endsAt === undefined ? undefined : new Date(input.endsAt),
    room: optionalText('body.room', input.room),
    track: optionalText('body.track', input.track),
    tags: input.tags?.map((tag, i) => requiredText(`body.tags.${i}`, tag)),
    speakerIds: input.speakerIds,
    capacity: input.capacity,
  });
}

/** PostgreSQL refuses year 0 (and JSON Schema's date-time allows it); no session is that old anyway. */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10_000, 0, 1);

function checkInstant(field: string, date: Date) {
  const t = date.getTime();
  if (Number.isNaN(t)) throw invalid(field, 'is not a valid time');
  if (t < EARLIEST || t >= LATEST) throw invalid(field, 'must be between 1970 and 9999');
}

/** A session must end after it starts; the error names the field the client sent (`endsAt` first). */
export function checkTimes(startsAt: Date, endsAt: Date, field: 'body.endsAt' | 'body.startsAt') {
  checkInstant('body.startsAt', startsAt);
  checkInstant('body.endsAt', endsAt);
  if (endsAt <= startsAt)
    throw invalid(field, field === 'body.endsAt' ? 'must be after startsAt' : 'must be before endsAt');
}
