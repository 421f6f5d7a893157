import type { ModerationSettings } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import { isEventManager, isEventStaff, requireEvent } from '../events/index.ts';
import { moderationSettings } from './moderation.tables.ts';
import { normalise } from './moderation.text.ts';

export const DEFAULT_SETTINGS: ModerationSettings = {
  filters: { profanity: true, links: true, flood: true },
  blockedWords: [],
  allowedWords: [],
  qnaPremoderation: false,
};

/**
 * Every text an event's people write is screened against its settings, so they are cached per
 * node for a few seconds: another node's change is seen within that time, this node's at once.
 */
const CACHE_MS = 5_000;
const cache = new Map<string, { value: ModerationSettings; at: number }>();
const MAX_CACHED = 5_000;

export async function eventModerationSettings(q: Queryable, eventId: string): Promise<ModerationSettings> {
  const hit = cache.get(eventId);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const [row] = await q.select().from(moderationSettings).where(eq(moderationSettings.eventId, eventId));
  const value: ModerationSettings = row
    ? {
        filters: { ...DEFAULT_SETTINGS.filters, ...row.filters },
        blockedWords: row.blockedWords,
        allowedWords: row.allowedWords,
        qnaPremoderation: row.qnaPremoderation,
      }
    : DEFAULT_SETTINGS;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(eventId, { value, at: Date.now() });
  return value;
}

/** Staff read the settings (they moderate by them); managers change them. */
export async function getSettings(ctx: AuthedCtx, eventId: string): Promise<ModerationSettings> {
  await requireEvent(ctx.platform.db, eventId, ctx.actor.userId, isEventStaff);
  cache.delete(eventId);
  return eventModerationSettings(ctx.platform.db, eventId);
}

/** Words are stored normalised and de-duplicated; a word that normalises to nothing is refused. */
function cleanWords(field: string, words: readonly string[]): string[] {
  const out = new Set<string>();
  words.forEach((word, i) => {
    const clean = normalise(word);
    if (!clean || clean.includes('\u0000')) throw invalid(`${field}/${i}`, 'must contain a word');
    out.add(clean);
  });
  return [...out];
}

/** Managers tune settings by hand: 30 changes a minute is plenty. */
export const SETTINGS_LIMIT = { name: 'moderation-settings', points: 30, durationSeconds: 60 };

export async function putSettings(
  ctx: AuthedCtx,
  eventId: string,
  body: ModerationSettings,
): Promise<ModerationSettings> {
  await ctx.platform.limits.consume(SETTINGS_LIMIT, ctx.actor.userId);
  const values = {
    filters: body.filters,
    blockedWords: cleanWords('body.blockedWords', body.blockedWords),
    allowedWords: cleanWords('body.allowedWords', body.allowedWords ?? []),
    qnaPremoderation: body.qnaPremoderation,
    updatedAt: new Date(),
  };
  await withTx(ctx.platform, async (work) => {
    await requireEvent(work.tx, eventId, ctx.actor.userId, isEventManager);
    await work.tx
      .insert(moderationSettings)
      .values({ eventId, ...values })
      .onConflictDoUpdate({ target: moderationSettings.eventId, set: values });
  });
  cache.delete(eventId);
  const { updatedAt: _, ...settings } = values;
  return settings;
}
