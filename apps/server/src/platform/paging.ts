import { isUuid } from '@muster/protocol';
import { invalid } from './errors.ts';

/**
 * Opaque keyset cursors: base64url of a JSON tuple. Clients must treat them as opaque; the server
 * validates every element on the way back in, so a forged cursor is a 400, never a 500.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

type Kind = 'string' | 'number' | 'timestamp' | 'uuid';
type Decoded<K extends readonly Kind[]> = { [I in keyof K]: K[I] extends 'number' ? number : string };

function fits(kind: Kind, value: unknown): boolean {
  if (kind === 'number') return typeof value === 'number' && Number.isSafeInteger(value);
  if (typeof value !== 'string' || value.length > 100) return false;
  if (kind === 'uuid') return isUuid(value);
  if (kind === 'timestamp') return !Number.isNaN(Date.parse(value));
  return true;
}

/** Decodes a cursor made by `encodeCursor` with the given element kinds; anything else is a 400. */
export function decodeCursor<const K extends readonly Kind[]>(
  raw: string | undefined,
  kinds: K,
  field = 'query.cursor',
): Decoded<K> | null {
  if (raw === undefined || raw === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid(field, 'is not a valid cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length || !kinds.every((k, i) => fits(k, parsed[i])))
    throw invalid(field, 'is not a valid cursor');
  return parsed as Decoded<K>;
}

/** Splits a `limit + 1` fetch into a page and the cursor of its last item (null on the last page). */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => readonly (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
