import { Type } from 'typebox';
import { LongText, Name, Timestamp } from './common.ts';

/**
 * What an event and an agenda session both are when written: a titled, described span of time.
 * One definition, so the two keep the same limits. A fragment, not a schema: index.ts does not
 * export it, so the wire schemas (and their hash table) stay exactly as they were.
 */
export const scheduledFields = {
  title: Name(200),
  description: Type.Optional(Type.Union([LongText(20_000), Type.Null()])),
  startsAt: Timestamp,
  endsAt: Timestamp,
};
