import { type Achievement, type AchievementList, entities, type PointAction, scopes } from '@muster/protocol';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { events } from '../events/index.ts';
import { raiseNotifications } from '../notifications/index.ts';
import { requirePlayer } from './engagement.access.ts';
import { achievements, huntCheckpoints, pointScores, pointsLedger } from './engagement.tables.ts';

/** Events of a community in a row for the streak. */
const STREAK = 3;

interface Facts {
  q: Queryable;
  eventId: string;
  userId: string;
}

interface Rule {
  key: string;
  title: string;
  description: string;
  icon: string;
  /** Streaks count across the events of the event's community: unlocked once per community. */
  perCommunity?: boolean;
  /** The only actions whose award can make it true (checked after those alone); unset: any award. */
  after?: readonly PointAction[];
  holds(facts: Facts): Promise<boolean>;
}

/** Live ledger lines of one action at the event. */
async function countOf(f: Facts, action: string): Promise<number> {
  const [row] = await f.q
    .select({ n: sql<number>`count(*)::int` })
    .from(pointsLedger)
    .where(
      and(
        eq(pointsLedger.eventId, f.eventId),
        eq(pointsLedger.userId, f.userId),
        eq(pointsLedger.action, action),
        isNull(pointsLedger.withdrawnAt),
      ),
    );
  return row?.n ?? 0;
}

async function pointsAt(f: Facts): Promise<number> {
  const [row] = await f.q
    .select({ points: pointScores.points })
    .from(pointScores)
    .where(and(eq(pointScores.eventId, f.eventId), eq(pointScores.userId, f.userId)));
  return row?.points ?? 0;
}

/** The catalogue: the same rules for every event, so people know what to aim for anywhere. */
export const RULES: readonly Rule[] = [
  {
    key: 'first_points',
    title: 'Off the mark',
    description: 'Scored your first points at an event',
    icon: '🌱',
    holds: async (f) => (await pointsAt(f)) > 0,
  },
  {
    key: 'first_in',
    after: ['checkin'],
    title: 'Early bird',
    description: 'The first person through the door',
    icon: '🐦',
    holds: async (f) => {
      const [first] = await f.q
        .select({ userId: pointsLedger.userId })
        .from(pointsLedger)
        .where(and(eq(pointsLedger.eventId, f.eventId), eq(pointsLedger.action, 'checkin')))
        .orderBy(asc(pointsLedger.awardedAt), asc(pointsLedger.id))
        .limit(1);
      return first?.userId === f.userId;
    },
  },
  {
    key: 'century',
    title: 'Century',
    description: '100 points at one event',
    icon: '💯',
    holds: async (f) => (await pointsAt(f)) >= 100,
  },
  {
    key: 'curious',
    after: ['question_asked'],
    title: 'Curious mind',
    description: 'Asked three questions the audience could see',
    icon: '❓',
    holds: async (f) => (await countOf(f, 'question_asked')) >= 3,
  },
  {
    key: 'networker',
    after: ['connection_made'],
    title: 'Networker',
    description: 'Made five connections at one event',
    icon: '🤝',
    holds: async (f) => (await countOf(f, 'connection_made')) >= 5,
  },
  {
    key: 'hunter',
    after: ['checkpoint_found'],
    title: 'Treasure hunter',
    description: 'Found every checkpoint of a hunt',
    icon: '🗺️',
    holds: async (f) => {
      const rows = await f.q
        .select({
          total: sql<number>`count(*)::int`,
          found: sql<number>`count(*) filter (where exists (select 1 from ${pointsLedger} l
            where l.event_id = ${f.eventId} and l.user_id = ${f.userId} and l.action = 'checkpoint_found'
            and l.subject_id = hunt_checkpoints.id::text and l.withdrawn_at is null))::int`,
        })
        .from(huntCheckpoints)
        .where(eq(huntCheckpoints.eventId, f.eventId))
        .groupBy(huntCheckpoints.huntId);
      return rows.some((r) => r.total > 0 && r.found === r.total);
    },
  },
  {
    key: 'regular',
    after: ['checkin'],
    title: 'Regular',
    description: 'Checked in at three events of a community in a row',
    icon: '🔁',
    perCommunity: true,
    holds: async (f) => {
      // The community's events in the order they happen (drafts left out), and where I checked in.
      const series = await f.q
        .select({ id: events.id })
        .from(events)
        .where(
          and(
            sql`${events.communityId} = (select community_id from ${events} where id = ${f.eventId})`,
            sql`${events.status} <> 'draft'`,
          ),
        )
        .orderBy(asc(events.startsAt), asc(events.id))
        .limit(1000);
      const attended = new Set(
        (
          await f.q
            .select({ eventId: pointsLedger.eventId })
            .from(pointsLedger)
            .where(
              and(
                eq(pointsLedger.userId, f.userId),
                eq(pointsLedger.action, 'checkin'),
                isNull(pointsLedger.withdrawnAt),
              ),
            )
        ).map((r) => r.eventId),
      );
      let run = 0;
      for (const event of series) {
        run = attended.has(event.id) ? run + 1 : 0;
        if (run >= STREAK) return true;
      }
      return false;
    },
  },
];

/**
 * After an award, in its transaction: every rule the person now meets and did not hold yet is
 * unlocked once (the primary key keeps a race to one row), told on their scope and in their inbox.
 */
export async function unlockAchievements(
  work: Work,
  eventId: string,
  userId: string,
  action: PointAction,
): Promise<void> {
  const facts: Facts = { q: work.tx, eventId, userId };
  const [event] = await work.tx
    .select({ communityId: events.communityId })
    .from(events)
    .where(eq(events.id, eventId));
  if (!event) return;
  const held = new Set(
    (
      await work.tx
        .select({ key: achievements.key, scopeId: achievements.scopeId })
        .from(achievements)
        .where(eq(achievements.userId, userId))
    ).map((a) => `${a.key}:${a.scopeId}`),
  );
  for (const rule of RULES) {
    if (rule.after && !rule.after.includes(action)) continue;
    const scopeId = rule.perCommunity ? event.communityId : eventId;
    if (held.has(`${rule.key}:${scopeId}`) || !(await rule.holds(facts))) continue;
    const [row] = await work.tx
      .insert(achievements)
      .values({ userId, key: rule.key, scopeId, eventId })
      .onConflictDoNothing()
      .returning();
    if (!row) continue;
    const unlocked = present(rule, row.unlockedAt, eventId);
    await work.append({
      scope: scopes.user(userId),
      entity: entities.engagement.achievementUnlocked,
      op: 'upsert',
      id: `${rule.key}:${scopeId}`,
      data: unlocked,
    });
    await raiseNotifications(work, [
      {
        key: `achievement:${userId}:${rule.key}:${scopeId}`,
        category: 'gamification',
        priority: 'low',
        kind: 'engagement.achievement',
        audience: { users: [userId] },
        groupKey: scopes.event(eventId),
        title: `${rule.icon} ${rule.title}`,
        body: rule.description,
        groupTitle: '{count} new achievements',
        url: `/events/${eventId}/leaderboard`,
      },
    ]);
  }
}

const present = (rule: Rule, unlockedAt: Date | null, eventId: string | null): Achievement => ({
  key: rule.key,
  title: rule.title,
  description: rule.description,
  icon: rule.icon,
  unlockedAt: unlockedAt?.toISOString() ?? null,
  eventId,
});

/** `GET /events/:id/achievements`: every rule, with when I unlocked it here (streaks: in its community). */
export async function eventAchievements(ctx: AuthedCtx, eventId: string): Promise<AchievementList> {
  const db = ctx.platform.db;
  const { event } = await requirePlayer(db, eventId, ctx.actor.userId);
  const mine = await db.select().from(achievements).where(eq(achievements.userId, ctx.actor.userId));
  return {
    items: RULES.map((rule) => {
      const scopeId = rule.perCommunity ? event.communityId : eventId;
      const row = mine.find((a) => a.key === rule.key && a.scopeId === scopeId);
      return present(rule, row?.unlockedAt ?? null, row?.eventId ?? null);
    }),
  };
}

/** `GET /me/achievements`: everything I unlocked anywhere, newest first (the profile). */
export async function myAchievements(ctx: AuthedCtx): Promise<AchievementList> {
  const rows = await ctx.platform.db
    .select()
    .from(achievements)
    .where(eq(achievements.userId, ctx.actor.userId))
    .orderBy(sql`${achievements.unlockedAt} desc`)
    .limit(500);
  return {
    items: rows.flatMap((row) => {
      const rule = RULES.find((r) => r.key === row.key);
      return rule ? [present(rule, row.unlockedAt, row.eventId)] : [];
    }),
  };
}
