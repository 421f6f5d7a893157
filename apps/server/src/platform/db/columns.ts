import { type AnyPgColumn, customType, timestamp, uuid } from 'drizzle-orm/pg-core';
import postgresDate from 'postgres-date';

// A CommonJS module: the default import is its function, though its types declare an ES default.
const parseDate = postgresDate as unknown as (text: string) => Date | number | null;

/**
 * PostgreSQL's text form of a `timestamptz` (`0050-01-01 00:00:00+00`, `… BC`, offsets with
 * seconds) as the exact instant. `new Date(text)`, which both drivers' Drizzle columns use, reads
 * years 0–99 as 19xx/20xx by JavaScript's two-digit-year rule.
 */
export function parseTimestamptz(text: string): Date {
  const parsed = parseDate(text);
  if (!(parsed instanceof Date) || Number.isNaN(parsed.getTime()))
    throw new Error(`not a finite timestamptz: ${JSON.stringify(text)}`);
  return parsed;
}

/**
 * `timestamp with time zone` for instants a person chooses (event and session times), which may lie
 * in years 1–99. The same SQL type as Drizzle's `timestamp(…, { withTimezone: true })`, so no
 * migration; only reading differs.
 */
export const instant = customType<{ data: Date; driverData: string }>({
  dataType: () => 'timestamp with time zone',
  toDriver: (value) => value.toISOString(),
  fromDriver: (value) => (typeof value === 'string' ? parseTimestamptz(value) : (value as Date)),
});

/**
 * A required reference to the row this one belongs to (its user, event, session…): `uuid`, not
 * null, deleted with that row. Written once, so every table states ownership the same way.
 */
export function belongsTo(name: string, target: () => AnyPgColumn) {
  return uuid(name).notNull().references(target, { onDelete: 'cascade' });
}

/**
 * A reference to the row this one belongs to when it has one (a channel's event, a form's event):
 * nullable, deleted with that row.
 */
export function mayBelongTo(name: string, target: () => AnyPgColumn) {
  return uuid(name).references(target, { onDelete: 'cascade' });
}

/**
 * An optional pointer to a row that may go away without taking this one along (its creator,
 * assignee, sender…): nullable, cleared when that row is deleted.
 */
export function refersTo(name: string, target: () => AnyPgColumn) {
  return uuid(name).references(target, { onDelete: 'set null' });
}

/**
 * `timestamptz` for instants the system records (creation, expiry, processing): always recent, so
 * Drizzle's plain reading is exact. Times a person chooses use `instant`.
 */
export function timestamptz(name: string) {
  return timestamp(name, { withTimezone: true });
}

/** The instant a row was written (`created_at`, `updated_at`…), filled in by the database. */
export function stampedAt(name: string) {
  return timestamptz(name).notNull().defaultNow();
}

/**
 * `bytea` as a Buffer: file bytes (image renditions, badge PDFs) live in the database, so PGlite and
 * PostgreSQL behave alike and every node of a deployment reads what any node wrote.
 */
export const bytes = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});
