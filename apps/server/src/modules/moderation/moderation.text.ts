import { createHash } from 'node:crypto';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

/**
 * Pure text checks: no database, no clock. Normalising folds case, compatibility forms (full-width
 * letters, ligatures) and diacritics, and collapses whitespace, so "FÜCK" and "fuck", or a repeat
 * with extra spaces, compare equal.
 */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/** What identifies "the same text" for repeats; stored instead of the text itself. */
export const textHash = (text: string) =>
  createHash('sha256').update(normalise(text)).digest('hex').slice(0, 32);

const baseTerms = englishDataset.build();
/** Matchers per allow-list: building one compiles ~70 patterns, so events share them while unchanged. */
const matchers = new Map<string, RegExpMatcher>();
const MAX_MATCHERS = 200;

function matcherFor(allowedWords: readonly string[]): RegExpMatcher {
  const allowed = [...new Set(allowedWords.map(normalise).filter(Boolean))].sort();
  const key = allowed.join('\u0000');
  let matcher = matchers.get(key);
  if (!matcher) {
    matcher = new RegExpMatcher({
      ...baseTerms,
      ...englishRecommendedTransformers,
      whitelistedTerms: [...(baseTerms.whitelistedTerms ?? []), ...allowed],
    });
    if (matchers.size >= MAX_MATCHERS) matchers.delete(matchers.keys().next().value!);
    matchers.set(key, matcher);
  }
  return matcher;
}

/**
 * Profanity by obscenity's English dataset and recommended transformers; the event's allowed words
 * are its whitelist. The leetspeak transformer reads digits as letters ("a55"), which also turns
 * plain numbers into words ("room 455", "call 717"): a match made of digits alone is not counted.
 */
export function hasProfanity(text: string, allowedWords: readonly string[]): boolean {
  // A mention's markup carries the person's id, whose hex can read as a word ("a55e…"): not text.
  const said = text.replace(MENTION_ID, '] ');
  return matcherFor(allowedWords)
    .getAllMatches(said)
    .some((m) => /\p{L}/u.test(said.slice(m.startIndex, m.endIndex + 1)));
}

const MENTION_ID = /\]\([0-9a-fA-F-]{36}\)/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whole words (or phrases) only: "ass" blocks "ass" but not "class". */
export function hasBlockedWord(text: string, blockedWords: readonly string[]): boolean {
  const words = [...new Set(blockedWords.map(normalise).filter(Boolean))];
  if (!words.length) return false;
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`,
    'u',
  );
  return pattern.test(normalise(text));
}

/** URLs, `www.` addresses and bare domains of common link-spam TLDs. */
const LINK =
  /(?:https?:\/\/|www\.)[^\s]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|ly|co|me|info|biz|xyz|app|dev|gg|ru|tk|top|link|click)\b/giu;
/** More links than this in one text is link flooding. */
export const MAX_LINKS = 3;

export const countLinks = (text: string) => text.match(LINK)?.length ?? 0;
