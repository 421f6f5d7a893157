import {
  type Connection,
  type ConnectionList,
  type ConnectionRequestBody,
  entities,
  scopes,
} from '@muster/protocol';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { normaliseHumanCode } from '../../platform/human-code.ts';
import { requireParticipant } from '../events/index.ts';
import { blockedEitherWay, users } from '../identity/index.ts';
import { raiseNotifications } from '../notifications/index.ts';
import { connections, contactCards } from './networking.tables.ts';

/** Requests per person: meeting people, not mailing a directory. */
export const CONNECT_LIMIT: Limit = { name: 'connect', points: 30, durationSeconds: 3600 };
/** Card codes that match nobody, per person: a card cannot be guessed (50 bits against 10 misses per 10 min). */
export const WRONG_CARD_LIMIT: Limit = { name: 'connect-wrong-card', points: 10, durationSeconds: 600 };
export const CONNECTION_WRITE_LIMIT: Limit = { name: 'connection-write', points: 60, durationSeconds: 3600 };

type Row = typeof connections.$inferSelect;

/**
 * Asks to connect: with someone from the directory of an event both take part in, or with the
 * owner of a scanned card. Asking someone who already asked me accepts; asking again changes
 * nothing; someone who declined me still reads as pending to me and is not asked again. A block
 * either way answers as if the person did not exist.
 */
export async function requestConnection(ctx: AuthedCtx, body: ConnectionRequestBody): Promise<Connection> {
  const me = ctx.actor.userId;
  if (!body.userId === !body.cardCode) throw invalid('body', 'needs exactly one of userId and cardCode');
  await ctx.platform.limits.consume(CONNECT_LIMIT, me);
  const db = ctx.platform.db;
  const targetId = body.cardCode ? await cardOwner(ctx, body.cardCode) : body.userId!;
  if (targetId === me) throw invalid('body', 'is your own card');
  if (body.eventId) await requireParticipant(db, body.eventId, me);
  // Without a card, the two must meet somewhere: an event both take part in.
  if (!body.cardCode) {
    if (!body.eventId) throw invalid('body.eventId', 'is needed to connect without a card');
    await requireParticipant(db, body.eventId, targetId).catch(() => {
      throw notFound('User');
    });
  }
  if ((await blockedEitherWay(db, me, [targetId])).size) throw notFound('User');
  return withTx(ctx.platform, async (work) => {
    let existing = await lockPair(work.tx, me, targetId);
    if (!existing) {
      const [row] = await work.tx
        .insert(connections)
        .values({
          id: uuidv7(),
          requesterId: me,
          addresseeId: targetId,
          eventId: body.eventId ?? null,
          status: 'pending',
        })
        .onConflictDoNothing()
        .returning();
      if (row) {
        await notify(work, row, 'asked');
        return announce(work, row, me);
      }
      // They asked me at the same moment and committed first: answer as if I asked second.
      existing = (await lockPair(work.tx, me, targetId))!;
    }
    if (existing.status === 'pending' && existing.addresseeId === me) return accept(work, existing, me);
    if (existing.status === 'declined' && existing.addresseeId === me) {
      // I had declined them and now ask myself: the pair starts over, with me asking.
      const [row] = await work.tx
        .update(connections)
        .set({
          requesterId: me,
          addresseeId: targetId,
          status: 'pending',
          respondedAt: null,
          eventId: body.eventId ?? existing.eventId,
        })
        .where(eq(connections.id, existing.id))
        .returning();
      return announce(work, row!, me);
    }
    return (await present(work.tx, existing, me))!;
  });
}

export async function acceptConnection(ctx: AuthedCtx, id: string): Promise<Connection> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(CONNECTION_WRITE_LIMIT, me);
  return withTx(ctx.platform, async (work) => {
    const row = await lockMine(work.tx, id, me);
    if (row.status === 'accepted') return (await present(work.tx, row, me))!;
    if (row.addresseeId !== me || row.status !== 'pending')
      throw new AppError(ErrorCode.invalid_transition, 'Only the person asked can accept');
    return accept(work, row, me);
  });
}

/** The one asked says no: it disappears for them; the one who asked is not told. */
export async function declineConnection(ctx: AuthedCtx, id: string): Promise<void> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(CONNECTION_WRITE_LIMIT, me);
  await withTx(ctx.platform, async (work) => {
    const row = await lockMine(work.tx, id, me);
    if (row.addresseeId !== me || row.status !== 'pending')
      throw new AppError(ErrorCode.invalid_transition, 'Only a request to you can be declined');
    const [declined] = await work.tx
      .update(connections)
      .set({ status: 'declined', respondedAt: sql`now()` })
      .where(eq(connections.id, id))
      .returning();
    await appendFor(work, declined!, me, 'delete');
  });
}

/** Withdraws my request or removes a connection, for both. */
export async function removeConnection(ctx: AuthedCtx, id: string): Promise<void> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(CONNECTION_WRITE_LIMIT, me);
  await withTx(ctx.platform, async (work) => {
    const row = await lockMine(work.tx, id, me);
    await work.tx.delete(connections).where(eq(connections.id, id));
    for (const person of [row.requesterId, row.addresseeId])
      if (row.status !== 'declined' || person === row.requesterId)
        await appendFor(work, row, person, 'delete');
  });
}

/** My connections and open requests both ways; a block either way hides the pair. */
export async function myConnections(ctx: AuthedCtx): Promise<ConnectionList> {
  const me = ctx.actor.userId;
  const db = ctx.platform.db;
  const rows = await db
    .select()
    .from(connections)
    .where(or(eq(connections.requesterId, me), eq(connections.addresseeId, me)))
    .orderBy(sql`${connections.createdAt} desc`)
    .limit(1000);
  const others = rows.map((row) => otherOf(row, me));
  const blocked = await blockedEitherWay(db, me, others);
  const people = await profiles(db, others);
  const items = rows
    .filter((row) => !blocked.has(otherOf(row, me)))
    .map((row) => presentWith(row, me, people.get(otherOf(row, me))))
    .filter((c): c is Connection => c !== null);
  return { items };
}

/** A connection I am part of and may see (a request I declined is gone for me), locked. */
async function lockMine(tx: Tx, id: string, me: string): Promise<Row> {
  const [row] = await tx.select().from(connections).where(eq(connections.id, id)).for('update');
  const visible = row && (row.requesterId === me || (row.addresseeId === me && row.status !== 'declined'));
  if (!visible) throw notFound('Connection');
  return row;
}

/** The pair's row whoever asked, locked; its unique index makes a concurrent first ask wait here. */
async function lockPair(tx: Tx, a: string, b: string): Promise<Row | undefined> {
  const [row] = await tx
    .select()
    .from(connections)
    .where(
      or(
        and(eq(connections.requesterId, a), eq(connections.addresseeId, b)),
        and(eq(connections.requesterId, b), eq(connections.addresseeId, a)),
      ),
    )
    .for('update');
  return row;
}

async function accept(work: Work, row: Row, me: string): Promise<Connection> {
  const [accepted] = await work.tx
    .update(connections)
    .set({ status: 'accepted', respondedAt: sql`now()` })
    .where(eq(connections.id, row.id))
    .returning();
  await notify(work, accepted!, 'accepted');
  return announce(work, accepted!, me);
}

/** The one asked hears of a request; the one who asked hears it was accepted (social, normal). */
async function notify(work: Work, row: Row, what: 'asked' | 'accepted') {
  const [actorId, toId] =
    what === 'asked' ? [row.requesterId, row.addresseeId] : [row.addresseeId, row.requesterId];
  const name = (await profiles(work.tx, [actorId])).get(actorId)?.name ?? 'Someone';
  await raiseNotifications(work, [
    {
      key: `connection:${row.id}:${what}`,
      category: 'social',
      priority: 'normal',
      kind: `networking.${what}`,
      audience: { users: [toId] },
      actorId,
      groupKey: `connections:${what}:${toId}`,
      title: what === 'asked' ? `${name} wants to connect` : `${name} accepted your request`,
      body: null,
      groupTitle: what === 'asked' ? '{count} people want to connect' : '{count} new connections',
      url: '/connections',
    },
  ]);
}

async function cardOwner(ctx: AuthedCtx, cardCode: string): Promise<string> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.assertAvailable(WRONG_CARD_LIMIT, me);
  const [card] = await ctx.platform.db
    .select({ userId: contactCards.userId })
    .from(contactCards)
    .where(eq(contactCards.code, normaliseHumanCode(cardCode)));
  if (!card) {
    await ctx.platform.limits.penalize(WRONG_CARD_LIMIT, me);
    throw notFound('Card');
  }
  return card.userId;
}

/** Tells both people; answers the connection as `me` sees it. */
async function announce(work: Work, row: Row, me: string): Promise<Connection> {
  await appendFor(work, row, row.requesterId, 'upsert');
  await appendFor(work, row, row.addresseeId, 'upsert');
  return (await present(work.tx, row, me))!;
}

async function appendFor(work: Work, row: Row, person: string, op: 'upsert' | 'delete') {
  const data = await present(work.tx, row, person, true);
  if (!data) return;
  await work.append({
    scope: scopes.user(person),
    entity: entities.networking.connectionChanged,
    op,
    id: row.id,
    data,
  });
}

const otherOf = (row: Row, me: string) => (row.requesterId === me ? row.addresseeId : row.requesterId);

type Profile = { name: string; headline: string | null; company: string | null };

async function profiles(q: Queryable, ids: readonly string[]): Promise<Map<string, Profile>> {
  if (!ids.length) return new Map();
  const rows = await q
    .select({ id: users.id, name: users.name, headline: users.headline, company: users.company })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map(({ id, ...profile }) => [id, profile]));
}

async function present(q: Queryable, row: Row, me: string, asStored = false): Promise<Connection | null> {
  const people = await profiles(q, [otherOf(row, me)]);
  return presentWith(row, me, people.get(otherOf(row, me)), asStored);
}

/**
 * The connection as `me` sees it: a request they declined still reads as pending to whoever asked.
 * `asStored` presents a declined row to the one who declined (for its delete record).
 */
function presentWith(row: Row, me: string, other: Profile | undefined, asStored = false): Connection | null {
  if (!other) return null;
  if (row.status === 'declined' && row.addresseeId === me && !asStored) return null;
  return {
    id: row.id,
    userId: otherOf(row, me),
    ...other,
    status: row.status === 'accepted' ? 'accepted' : 'pending',
    direction: row.requesterId === me ? 'outgoing' : 'incoming',
    eventId: row.eventId,
    createdAt: row.createdAt.toISOString(),
    acceptedAt: row.status === 'accepted' ? (row.respondedAt?.toISOString() ?? null) : null,
  };
}
