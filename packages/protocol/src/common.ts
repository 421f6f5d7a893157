import { type Static, type TProperties, type TSchema, Type } from 'typebox';

/** UUIDv7 string; the server generates every id. */
export const Id = Type.String({ format: 'uuid', maxLength: 36 });
/** ISO 8601 instant in UTC. */
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });
/** IANA time zone name such as `Europe/Berlin`. */
export const TimeZone = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+\\-/]+$' });
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const ShortText = (maxLength = 200) => Type.String({ minLength: 1, maxLength });
export const LongText = (maxLength = 10_000) => Type.String({ maxLength });
/**
 * What a name must not contain: bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), which reorder what follows ("evil\u202egnp.exe" shows as "evilexe.png"), and
 * invisible characters (U+200B zero-width space, U+2060 word joiner, U+FEFF, U+180E) that make two
 * different names look the same. The zero-width non-joiner and joiner (U+200C, U+200D) are part of
 * Persian, Indic and emoji spellings, so they are allowed only between two non-ASCII characters
 * ("adm\u200din" is refused, "👩\u200d💻" is not).
 */
export const NAME_PATTERN =
  '^(?:[^\\u180E\\u200B-\\u200D\\u2060\\uFEFF\\u202A-\\u202E\\u2066-\\u2069]|(?<=[^\\u0000-\\u007F])[\\u200C\\u200D](?=[^\\u0000-\\u007F]))*$';
/** The name of a person, community, event, session or channel: shown to others, so never spoofed. */
export const Name = (maxLength = 120) => Type.String({ minLength: 1, maxLength, pattern: NAME_PATTERN });
export const Tag = Type.String({ minLength: 1, maxLength: 40 });
export const Url = Type.String({ format: 'uri', maxLength: 2048 });

export const IdParams = Type.Object({ id: Id });
export type IdParams = Static<typeof IdParams>;

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type PageQuery = Static<typeof PageQuery>;

/** `{ items, nextCursor }` — every list answers this shape; `nextCursor` is null on the last page. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** The body of a PATCH: any non-empty subset of the writable fields, and nothing else. */
export const PatchOf = <T extends TProperties>(fields: T) =>
  Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 });

/**
 * A page of a list that is also followed live: `head` is the list's scope seq when the page was
 * read (read first), so following the scope from it misses nothing.
 */
export const HeadedPage = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
    head: Type.Integer({ minimum: 0 }),
  });

/** RFC 9457 problem details with a stable machine-readable `code`. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem' },
);
export type Problem = Static<typeof Problem>;

export const Ok = Type.Object({ ok: Type.Literal(true) });
