import { and, arrayContains, asc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { userBlocks, users } from '../identity/index.ts';
import { rsvps } from './events.tables.ts';

/** The RSVP answers that put someone in an event's directory ("not going" takes them out). */
export const TAKING_PART = ['going', 'waitlisted', 'interested'] as const;

export interface DirectoryRow {
  userId: string;
  name: string;
  headline: string | null;
  company: string | null;
  interests: string[];
  queueOrder: number;
}

/** `%`, `_` and `\` match themselves in a search word, not as patterns. */
const literal = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * People taking part in the event who opted in, in RSVP order, after the keyset `(queueOrder,
 * userId)`; never anyone the viewer blocked or who blocked the viewer. Every search word must
 * appear in the name, headline or company, and `interest` (when given) among their interests.
 */
export async function listDirectory(
  q: Queryable,
  eventId: string,
  viewerId: string,
  page: {
    words: readonly string[];
    interest: string | null;
    after: readonly [number, string] | null;
    limit: number;
  },
): Promise<DirectoryRow[]> {
  const matches: SQL[] = page.words.map(
    (word) =>
      or(
        ilike(users.name, literal(word)),
        ilike(users.headline, literal(word)),
        ilike(users.company, literal(word)),
      )!,
  );
  return q
    .select({
      userId: users.id,
      name: users.name,
      headline: users.headline,
      company: users.company,
      interests: users.interests,
      queueOrder: rsvps.queueOrder,
    })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .where(
      and(
        eq(rsvps.eventId, eventId),
        inArray(rsvps.status, [...TAKING_PART]),
        eq(users.directoryVisible, true),
        sql`not exists (select 1 from ${userBlocks}
          where (${userBlocks.blockerId} = ${viewerId} and ${userBlocks.blockedId} = ${users.id})
             or (${userBlocks.blockerId} = ${users.id} and ${userBlocks.blockedId} = ${viewerId}))`,
        ...matches,
        page.interest ? arrayContains(users.interests, [page.interest]) : undefined,
        page.after
          ? sql`(${rsvps.queueOrder}, ${rsvps.userId}) > (${page.after[0]}, ${page.after[1]})`
          : undefined,
      ),
    )
    .orderBy(asc(rsvps.queueOrder), asc(rsvps.userId))
    .limit(page.limit);
}
