import type { Agenda, Session } from '@muster/protocol';
import { parseScope } from '@muster/protocol';
import type { Bus } from '../../platform/bus/bus.ts';
import { invalid } from '../../platform/errors.ts';
import { perNode } from '../../platform/node-state.ts';

/**
 * The agenda read model (CQRS read side): each event's agenda serialised once per `event:<id>`
 * head and kept in memory, per node.
 *
 * - An entry is valid for the head it was built at; the head read from the database validates it,
 *   so a node never serves what its database contradicts.
 * - An agenda anyone may read (a published public or unlisted event) is also *trusted* for up to
 *   TRUST_MS: served with no database read at all. Any change on the event's scope (agenda edits,
 *   event updates, visibility or status changes) arrives on the bus and ends the trust at once;
 *   the time bound covers a lost bus message.
 * - The caller reads the head *before* the sessions: an entry may then hold sessions newer than its
 *   head (a write committed in between), which costs one refetch; the other order could pin stale
 *   sessions under a new head.
 */
export interface AgendaSnapshot {
  head: number;
  etag: string;
  /** One page as JSON; throws `validation_failed` for a cursor that is not a session of this agenda. */
  page(limit: number, cursor: string | undefined): string;
}

interface Entry extends AgendaSnapshot {
  trustedUntil: number;
}

export interface AgendaReadModel {
  /** An entry to serve without touching the database, if one is trusted right now. */
  trusted(eventId: string): AgendaSnapshot | undefined;
  /** The entry built at `head`; re-trusts it when the event is readable by anyone. */
  validate(eventId: string, head: number, readableByAnyone: boolean): AgendaSnapshot | undefined;
  store(eventId: string, head: number, items: Session[], readableByAnyone: boolean): AgendaSnapshot;
}

export const TRUST_MS = 1000;
const MAX_ENTRIES = 200;
const MAX_SEEN = 10_000;

/** Pages serialised per snapshot, so that a crowd asking for the same page serialises it once. */
const MAX_PAGES_KEPT = 16;

/**
 * Pages of one snapshot. The cursor is the id of the last session of the previous page: sessions
 * are never deleted, so it always names one; a session moved between two page reads may be skipped
 * or repeated, but its move is a change above `head`, which the client applies next.
 */
function pager(head: number, items: Session[]): AgendaSnapshot['page'] {
  const position = new Map(items.map((s, i) => [s.id, i]));
  const kept = new Map<string, string>();
  return (limit, cursor) => {
    const key = `${limit}:${cursor ?? ''}`;
    const hit = kept.get(key);
    if (hit !== undefined) return hit;
    const from = cursor === undefined ? 0 : (position.get(cursor) ?? -2) + 1;
    if (from < 0) throw invalid('querystring.cursor', 'is not a cursor of this agenda');
    const slice = items.slice(from, from + limit);
    const more = from + limit < items.length;
    const agenda: Agenda = { items: slice, nextCursor: more ? (slice.at(-1)?.id ?? null) : null, head };
    const json = JSON.stringify(agenda);
    touch(kept, key, json, MAX_PAGES_KEPT);
    return json;
  };
}

/** Strong validator: the body is a pure function of the event's head (and the URL's page). */
export const agendaEtag = (head: number) => `"agenda-${head}"`;

/** Map insertion order as LRU order: touch on use, evict the oldest past `max`. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number) {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

export function createAgendaReadModel(bus: Bus, now: () => number = Date.now): AgendaReadModel {
  const entries = new Map<string, Entry>();
  /** Latest seq the bus announced per event, so a slow read cannot re-trust an older head. */
  const seen = new Map<string, number>();

  bus.subscribe((change) => {
    const eventId = parseScope(change.scope, ['event'])?.id;
    if (!eventId) return;
    touch(seen, eventId, Math.max(change.seq, seen.get(eventId) ?? 0), MAX_SEEN);
    const entry = entries.get(eventId);
    if (entry && entry.head < change.seq) entry.trustedUntil = 0;
  });

  const trustUntil = (eventId: string, head: number, readableByAnyone: boolean) =>
    readableByAnyone && (seen.get(eventId) ?? 0) <= head ? now() + TRUST_MS : 0;

  return {
    trusted(eventId) {
      const entry = entries.get(eventId);
      return entry && entry.trustedUntil > now() ? entry : undefined;
    },
    validate(eventId, head, readableByAnyone) {
      const entry = entries.get(eventId);
      if (!entry || entry.head !== head) return undefined;
      entry.trustedUntil = trustUntil(eventId, head, readableByAnyone);
      touch(entries, eventId, entry, MAX_ENTRIES);
      return entry;
    },
    store(eventId, head, items, readableByAnyone) {
      const entry: Entry = {
        head,
        etag: agendaEtag(head),
        page: pager(head, items),
        trustedUntil: trustUntil(eventId, head, readableByAnyone),
      };
      touch(entries, eventId, entry, MAX_ENTRIES);
      return entry;
    },
  };
}

/** One read model per node, subscribed to that node's bus; test servers in one process never share one. */
export const agendaReadModelOf = perNode<AgendaReadModel>((platform) => createAgendaReadModel(platform.bus));

/** RFC 9110 If-None-Match: a list of (possibly weak) entity tags, or `*`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
