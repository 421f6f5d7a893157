import { and, gt, inArray, lt } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { isEventStaff, loadEventAccess } from '../events/index.ts';
import { recordAudit } from './moderation.audit.ts';
import {
  activeRestrictionsAmong,
  type RestrictionRow,
  restrict,
  restrictionError,
} from './moderation.restrictions.ts';
import { eventModerationSettings } from './moderation.settings.ts';
import { moderationRecentTexts } from './moderation.tables.ts';
import { countLinks, hasBlockedWord, hasProfanity, MAX_LINKS, textHash } from './moderation.text.ts';

export type ScreenPath = 'message' | 'question' | 'word' | 'post' | 'team';

export interface ScreenInput {
  eventId: string;
  userId: string;
  path: ScreenPath;
  text: string;
  targetId?: string;
  /** Callers that already know the writer is event staff say so and save the lookup. */
  isStaff?: boolean;
}

/** Filter hits, in a fixed order; the caller holds (questions, words) or refuses (messages) on any. */
export type ScreenFlag = 'profanity' | 'blockedWord' | 'links' | 'repeated' | 'flood';
export type ScreenVerdict = { verdict: 'allow' } | { verdict: 'hold'; flags: ScreenFlag[] };
/** A batch's answer per text: a verdict, or the refusal `screenText` would throw (banned, muted). */
export type ScreenOutcome = ScreenVerdict | { verdict: 'refuse'; error: AppError };

/** More than FLOOD_MAX texts within FLOOD_WINDOW mutes the writer for FLOOD_MUTE. */
export const FLOOD_MAX = 10;
export const FLOOD_WINDOW_MS = 60_000;
export const FLOOD_MUTE_MS = 5 * 60_000;
/** The same text again within this window is a repeat. */
export const REPEAT_WINDOW_MS = 5 * 60_000;

/**
 * Screens one text a person writes in an event, in the writer's transaction. Throws `forbidden`
 * when they are banned or muted there. Counting (flood, repeats) is a table of recent text hashes,
 * so it holds across nodes; event staff are exempt from it. Crossing the flood limit mutes the
 * writer (audited as `automatic`) and holds this text with the `flood` flag rather than throwing:
 * the mute must commit with the caller's transaction, which a thrown error would roll back.
 */
export async function screenText(work: Work, input: ScreenInput): Promise<ScreenVerdict> {
  const [outcome] = await screenTexts(work, [input]);
  if (outcome!.verdict === 'refuse') throw outcome!.error;
  return outcome!;
}

const pairKey = (eventId: string, userId: string) => `${eventId}:${userId}`;

/**
 * `screenText` for many texts at once (a send round), in order, with a fixed number of statements
 * however many texts: restrictions, recent hashes and the new hashes are read and written once for
 * all writers. A writer muted by an earlier text of the batch is refused for their later ones.
 */
export async function screenTexts(work: Work, inputs: readonly ScreenInput[]): Promise<ScreenOutcome[]> {
  if (!inputs.length) return [];
  const eventIds = [...new Set(inputs.map((i) => i.eventId))];
  const userIds = [...new Set(inputs.map((i) => i.userId))];
  const restricted = await activeRestrictionsAmong(work.tx, eventIds, userIds);
  const settingsOf = new Map(
    await Promise.all(eventIds.map(async (id) => [id, await eventModerationSettings(work.tx, id)] as const)),
  );
  const counted = new Set<string>();
  for (const input of inputs) {
    const key = pairKey(input.eventId, input.userId);
    if (!settingsOf.get(input.eventId)!.filters.flood || counted.has(key)) continue;
    if (!(await isStaff(work, input))) counted.add(key);
  }
  const now = Date.now();
  const recent = await recentTexts(work, inputs, counted, now);
  const fresh: (typeof moderationRecentTexts.$inferInsert)[] = [];
  const mutes: RestrictionRow[] = [];
  const outcomes = inputs.map((input): ScreenOutcome => {
    const key = pairKey(input.eventId, input.userId);
    const restriction = restricted.get(key);
    if (restriction) return { verdict: 'refuse', error: restrictionError(restriction) };
    const settings = settingsOf.get(input.eventId)!;
    const flags: ScreenFlag[] = [];
    if (settings.filters.profanity && hasProfanity(input.text, settings.allowedWords ?? []))
      flags.push('profanity');
    if (hasBlockedWord(input.text, settings.blockedWords)) flags.push('blockedWord');
    if (settings.filters.links && countLinks(input.text) > MAX_LINKS) flags.push('links');
    if (counted.has(key)) {
      const mine = recent.get(key) ?? [];
      const hash = textHash(input.text);
      if (mine.some((r) => r.hash === hash)) flags.push('repeated');
      mine.push({ hash, at: now });
      recent.set(key, mine);
      fresh.push({ id: uuidv7(), eventId: input.eventId, userId: input.userId, hash, at: new Date(now) });
      if (mine.filter((r) => r.at > now - FLOOD_WINDOW_MS).length > FLOOD_MAX) {
        flags.push('flood');
        const mute: RestrictionRow = {
          eventId: input.eventId,
          userId: input.userId,
          kind: 'mute',
          until: new Date(now + FLOOD_MUTE_MS),
          reason: `More than ${FLOOD_MAX} texts in ${FLOOD_WINDOW_MS / 1000} s`,
          createdAt: new Date(now),
        };
        mutes.push(mute);
        restricted.set(key, mute);
      }
    }
    return flags.length ? { verdict: 'hold', flags } : { verdict: 'allow' };
  });
  if (fresh.length) await work.tx.insert(moderationRecentTexts).values(fresh);
  for (const mute of mutes) await muteAutomatically(work, mute);
  return outcomes;
}

async function isStaff(work: Work, input: ScreenInput): Promise<boolean> {
  if (input.isStaff !== undefined) return input.isStaff;
  const access = await loadEventAccess(work.tx, input.eventId, input.userId);
  return access !== null && isEventStaff(access);
}

/**
 * The counted writers' hashes of the last REPEAT_WINDOW, oldest first, after pruning what is older
 * (two statements for the whole batch; the id/user sets over-select, pairs are picked in memory).
 */
async function recentTexts(work: Work, inputs: readonly ScreenInput[], counted: Set<string>, now: number) {
  const byPair = new Map<string, { hash: string; at: number }[]>();
  if (!counted.size) return byPair;
  const wanted = inputs.filter((i) => counted.has(pairKey(i.eventId, i.userId)));
  const among = and(
    inArray(moderationRecentTexts.eventId, [...new Set(wanted.map((i) => i.eventId))]),
    inArray(moderationRecentTexts.userId, [...new Set(wanted.map((i) => i.userId))]),
  );
  const cutoff = new Date(now - REPEAT_WINDOW_MS);
  await work.tx.delete(moderationRecentTexts).where(and(among, lt(moderationRecentTexts.at, cutoff)));
  const rows = await work.tx
    .select()
    .from(moderationRecentTexts)
    .where(and(among, gt(moderationRecentTexts.at, cutoff)))
    .orderBy(moderationRecentTexts.at);
  for (const row of rows) {
    const key = pairKey(row.eventId, row.userId);
    if (!counted.has(key)) continue;
    byPair.set(key, [...(byPair.get(key) ?? []), { hash: row.hash, at: row.at.getTime() }]);
  }
  return byPair;
}

async function muteAutomatically(work: Work, mute: RestrictionRow) {
  const { eventId, userId, until, reason } = mute;
  await restrict(work, { eventId, userId, kind: 'mute', until, reason }, null);
  await recordAudit(work, {
    eventId,
    actorId: null,
    source: 'automatic',
    action: 'mute',
    targetType: 'user',
    targetId: userId,
    reason,
    until,
  });
}

const FLAG_TEXT: Record<ScreenFlag, string> = {
  profanity: 'profanity',
  blockedWord: 'a word this event blocks',
  links: `more than ${MAX_LINKS} links`,
  repeated: 'the same text again',
  flood: 'too many texts in a short time',
};

/** The 422 for a text refused outright (messages), naming why in words and in `errors[].message`. */
export function contentRefused(field: string, flags: readonly ScreenFlag[]): AppError {
  const why = flags.map((f) => FLAG_TEXT[f]).join(', ');
  return new AppError(ErrorCode.content_refused, `Refused by this event's moderation filters: ${why}`, {
    errors: flags.map((flag) => ({ field, message: flag })),
  });
}
