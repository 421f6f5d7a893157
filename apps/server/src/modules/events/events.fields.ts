import type { CreateEventBody, UpdateEventBody } from '@muster/protocol';
import { invalid } from '../../platform/errors.ts';
import type { EventRow } from './events.access.ts';
import { canonicalTimeZone } from './events.timezones.ts';

/**
 * JSON Schema's date-time admits values JavaScript cannot represent (a leap second `23:59:60`) and
 * instants PostgreSQL cannot store as sent (year 0, or past 9999 once the offset is applied).
 */
export function instant(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(field, 'is not a representable date-time');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw invalid(field, 'must be between the years 0001 and 9999 (UTC)');
  return date;
}

type Fields = Omit<UpdateEventBody, 'startsAt' | 'endsAt'> & { startsAt?: Date; endsAt?: Date };

/**
 * Turns a create or update body into column values, applying the rules JSON Schema cannot express:
 * a real time zone, a non-blank title and `endsAt` after `startsAt` (checked against the stored
 * times on update). Errors name the field the client sent.
 */
export function eventFields(input: CreateEventBody | UpdateEventBody, current?: EventRow): Fields {
  const out: Fields = {};
  if (input.title !== undefined) {
    out.title = input.title.trim();
    if (!out.title) throw invalid('body.title', 'must not be blank');
  }
  if (input.timezone !== undefined) {
    const zone = canonicalTimeZone(input.timezone);
    if (!zone) throw invalid('body.timezone', 'must be an IANA time zone such as Europe/Berlin');
    out.timezone = zone;
  }
  if (input.startsAt !== undefined) out.startsAt = instant(input.startsAt, 'body.startsAt');
  if (input.endsAt !== undefined) out.endsAt = instant(input.endsAt, 'body.endsAt');
  const startsAt = out.startsAt ?? current?.startsAt;
  const endsAt = out.endsAt ?? current?.endsAt;
  if (startsAt && endsAt && endsAt <= startsAt)
    throw invalid(
      input.endsAt !== undefined ? 'body.endsAt' : 'body.startsAt',
      'must leave endsAt after startsAt',
    );
  for (const key of ['description', 'venue', 'onlineUrl', 'coverImageUrl', 'capacity', 'visibility'] as const)
    if (input[key] !== undefined) Object.assign(out, { [key]: input[key] });
  return out;
}
