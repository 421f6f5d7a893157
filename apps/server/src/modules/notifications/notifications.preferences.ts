import {
  type ChannelSwitches,
  NOTIFICATION_CATEGORIES,
  type NotificationCategory,
  type NotificationPreferences,
  type NotificationPreferencesBody,
  parseScope,
} from '@muster/protocol';
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import { DEFAULT_SWITCHES } from './notifications.policy.ts';
import { notificationMutes, notificationPreferences } from './notifications.tables.ts';

/** Mutable scopes: a channel, a session or a whole event. */
const MUTABLE_KINDS = ['channel', 'session', 'event'] as const;

function completeCategories(stored: unknown): Record<NotificationCategory, ChannelSwitches> {
  const chosen = (stored ?? {}) as Partial<Record<NotificationCategory, ChannelSwitches>>;
  return Object.fromEntries(
    NOTIFICATION_CATEGORIES.map((c) => [c, { ...DEFAULT_SWITCHES[c], ...chosen[c] }]),
  ) as Record<NotificationCategory, ChannelSwitches>;
}

/** Everyone's preferences with defaults filled in, and only mutes still in force. */
export async function loadPreferences(
  q: Queryable,
  userIds: readonly string[],
  now = new Date(),
): Promise<Map<string, NotificationPreferences>> {
  const out = new Map<string, NotificationPreferences>();
  if (!userIds.length) return out;
  const ids = [...userIds];
  const [rows, mutes] = await Promise.all([
    q.select().from(notificationPreferences).where(inArray(notificationPreferences.userId, ids)),
    q
      .select()
      .from(notificationMutes)
      .where(
        and(
          inArray(notificationMutes.userId, ids),
          or(isNull(notificationMutes.until), gt(notificationMutes.until, now)),
        ),
      ),
  ]);
  const rowOf = new Map(rows.map((r) => [r.userId, r]));
  for (const userId of ids) {
    const row = rowOf.get(userId);
    out.set(userId, {
      categories: completeCategories(row?.categories),
      quietHours:
        row?.quietStart && row.quietEnd && row.quietTimezone
          ? { start: row.quietStart, end: row.quietEnd, timezone: row.quietTimezone }
          : null,
      muted: [],
    });
  }
  for (const mute of mutes)
    out.get(mute.userId)?.muted.push({ scope: mute.scope, until: mute.until?.toISOString() ?? null });
  return out;
}

export function isMuted(prefs: NotificationPreferences | undefined, scopes: readonly string[]): boolean {
  return !!prefs?.muted.some((m) => scopes.includes(m.scope));
}

export async function getPreferences(ctx: AuthedCtx): Promise<NotificationPreferences> {
  const prefs = await loadPreferences(ctx.platform.db, [ctx.actor.userId]);
  return prefs.get(ctx.actor.userId)!;
}

function checkZone(timezone: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw invalid('body.quietHours.timezone', 'is not a known time zone');
  }
}

/**
 * Changes what was sent and keeps the rest. `muted` replaces the whole list (the settings screen
 * sends what it shows); a mute in the past is dropped.
 */
export async function putPreferences(
  ctx: AuthedCtx,
  body: NotificationPreferencesBody,
): Promise<NotificationPreferences> {
  const userId = ctx.actor.userId;
  const now = new Date();
  if (body.quietHours) checkZone(body.quietHours.timezone);
  const mutes = (body.muted ?? []).map((m, i) => {
    if (!parseScope(m.scope, MUTABLE_KINDS))
      throw invalid(`body.muted.${i}.scope`, 'must be channel:<id>, session:<id> or event:<id>');
    return { userId, scope: m.scope, until: m.until ? new Date(m.until) : null };
  });
  await withTx(ctx.platform, async ({ tx }) => {
    const [current] = await tx
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId))
      .for('update');
    const categories = { ...((current?.categories ?? {}) as object), ...(body.categories ?? {}) };
    const quiet = body.quietHours === undefined ? undefined : body.quietHours;
    const values = {
      userId,
      categories,
      ...(quiet === undefined
        ? {}
        : {
            quietStart: quiet?.start ?? null,
            quietEnd: quiet?.end ?? null,
            quietTimezone: quiet?.timezone ?? null,
          }),
      updatedAt: now,
    };
    await tx
      .insert(notificationPreferences)
      .values(values)
      .onConflictDoUpdate({ target: notificationPreferences.userId, set: values });
    if (body.muted !== undefined) {
      await tx.delete(notificationMutes).where(eq(notificationMutes.userId, userId));
      const live = [...new Map(mutes.map((m) => [m.scope, m])).values()].filter(
        (m) => !m.until || m.until > now,
      );
      if (live.length) await tx.insert(notificationMutes).values(live);
    }
  });
  return getPreferences(ctx);
}
