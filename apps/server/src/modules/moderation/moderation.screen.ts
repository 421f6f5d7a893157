import { and, count, eq, gt, lt } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { isEventStaff, loadEventAccess } from '../events/index.ts';
import { recordAudit } from './moderation.audit.ts';
import { activeRestriction, restrict, restrictionError } from './moderation.restrictions.ts';
import { eventModerationSettings } from './moderation.settings.ts';
import { moderationRecentTexts } from './moderation.tables.ts';
import { countLinks, hasBlockedWord, hasProfanity, MAX_LINKS, textHash } from './moderation.text.ts';

export type ScreenPath = 'message' | 'question' | 'word' | 'post';

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
  const { eventId, userId } = input;
  const restriction = await activeRestriction(work.tx, eventId, userId);
  if (restriction) throw restrictionError(restriction);
  const settings = await eventModerationSettings(work.tx, eventId);
  const flags: ScreenFlag[] = [];
  if (settings.filters.profanity && hasProfanity(input.text, settings.allowedWords ?? []))
    flags.push('profanity');
  if (hasBlockedWord(input.text, settings.blockedWords)) flags.push('blockedWord');
  if (settings.filters.links && countLinks(input.text) > MAX_LINKS) flags.push('links');
  if (settings.filters.flood && !(await staff(work, input))) flags.push(...(await countText(work, input)));
  return flags.length ? { verdict: 'hold', flags } : { verdict: 'allow' };
}

async function staff(work: Work, input: ScreenInput): Promise<boolean> {
  if (input.isStaff !== undefined) return input.isStaff;
  const access = await loadEventAccess(work.tx, input.eventId, input.userId);
  return access !== null && isEventStaff(access);
}

/** Records this text's hash and reads the writer's recent ones: a repeat, a flood, or neither. */
async function countText(work: Work, input: ScreenInput): Promise<ScreenFlag[]> {
  const { eventId, userId } = input;
  const now = Date.now();
  const hash = textHash(input.text);
  const mine = and(eq(moderationRecentTexts.eventId, eventId), eq(moderationRecentTexts.userId, userId));
  await work.tx
    .delete(moderationRecentTexts)
    .where(and(mine, lt(moderationRecentTexts.at, new Date(now - REPEAT_WINDOW_MS))));
  const [repeat] = await work.tx
    .select({ n: count() })
    .from(moderationRecentTexts)
    .where(and(mine, eq(moderationRecentTexts.hash, hash)));
  await work.tx
    .insert(moderationRecentTexts)
    .values({ id: uuidv7(), eventId, userId, hash, at: new Date(now) });
  const [recent] = await work.tx
    .select({ n: count() })
    .from(moderationRecentTexts)
    .where(and(mine, gt(moderationRecentTexts.at, new Date(now - FLOOD_WINDOW_MS))));
  const flags: ScreenFlag[] = [];
  if ((repeat?.n ?? 0) > 0) flags.push('repeated');
  if ((recent?.n ?? 0) > FLOOD_MAX) {
    flags.push('flood');
    const until = new Date(now + FLOOD_MUTE_MS);
    const reason = `More than ${FLOOD_MAX} texts in ${FLOOD_WINDOW_MS / 1000} s`;
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
  return flags;
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
