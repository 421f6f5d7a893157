import { type Static, Type } from 'typebox';
import { Id } from './common.ts';

/**
 * An event's attendee directory (H1): people taking part in the event who chose to be listed
 * (`directoryVisible` on their profile), for the others taking part to find and message them.
 */
export const DirectoryEntry = Type.Object({
  userId: Id,
  name: Type.String(),
  headline: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  interests: Type.Array(Type.String()),
});
export type DirectoryEntry = Static<typeof DirectoryEntry>;

export const DirectoryQuery = Type.Object({
  /** Words matched against name, headline and company (case-insensitive, any position). */
  q: Type.Optional(Type.String({ maxLength: 100 })),
  /** Only people with this interest (exactly, as on their profile). */
  interest: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
});
export type DirectoryQuery = Static<typeof DirectoryQuery>;
