import { MAX_WORD_LENGTH, type VoteBody } from '@muster/protocol';
import { AppError, ErrorCode, invalid } from '../../platform/errors.ts';
import type { PollRow } from './polls.repository.ts';

/** A voter's ballot after validation against the poll's kind: exactly what is stored. */
export interface BallotInput {
  optionIds: string[];
  rating: number | null;
  words: string[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const EDGE_PUNCTUATION = /^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu;

/**
 * One cloud word as it is counted: NFKC (so full-width and compatibility forms count as one),
 * lower-case, inner whitespace collapsed, surrounding punctuation stripped. Null when nothing is
 * left. Control characters (NUL included) are refused rather than silently dropped.
 */
export function normaliseWord(raw: string, field = 'body.words'): string | null {
  if (CONTROL.test(raw)) throw invalid(field, 'must not contain control characters');
  const word = raw.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').replace(EDGE_PUNCTUATION, '').trim();
  if (!word) return null;
  // NFKC can expand a character to many; the limit holds for what is stored.
  if ([...word].length > MAX_WORD_LENGTH)
    throw invalid(field, `must be at most ${MAX_WORD_LENGTH} characters`);
  return word;
}

/**
 * The single place where ballot words are accepted: normalised and de-duplicated. The moderation
 * filters then screen them for the whole vote batch at once (`moderateBallots` in
 * `polls.moderation.ts`, called by the batch) rather than a statement per word here.
 */
export function acceptBallotWords(poll: PollRow, words: readonly string[]): string[] {
  const accepted = [...new Set(words.map((w) => normaliseWord(w)).filter((w): w is string => w !== null))];
  if (!accepted.length) throw invalid('body.words', 'must contain at least one word');
  if (accepted.length > (poll.maxWords ?? 1))
    throw invalid('body.words', `must hold at most ${poll.maxWords} words`);
  return accepted;
}

/** Checks a vote against the poll's kind; anything meant for another kind is refused, not ignored. */
export function validateVote(poll: PollRow, body: VoteBody): BallotInput {
  const only = (field: keyof VoteBody) => {
    for (const other of ['optionIds', 'rating', 'words'] as const)
      if (other !== field && body[other] !== undefined)
        throw invalid(`body.${other}`, `is not allowed in a ${poll.kind} poll`);
    if (body[field] === undefined) throw invalid(`body.${field}`, `is required in a ${poll.kind} poll`);
  };
  switch (poll.kind) {
    case 'single':
    case 'multiple': {
      only('optionIds');
      const ids = body.optionIds!.map((id) => id.toLowerCase());
      const known = new Set(poll.options.map((o) => o.id));
      if (ids.some((id) => !known.has(id))) throw invalid('body.optionIds', 'must be options of this poll');
      if (new Set(ids).size !== ids.length) throw invalid('body.optionIds', 'must not repeat an option');
      if (poll.kind === 'single' && ids.length !== 1)
        throw invalid('body.optionIds', 'must hold exactly one option');
      return { optionIds: ids, rating: null, words: [] };
    }
    case 'rating': {
      only('rating');
      const rating = body.rating!;
      if (rating < 1 || rating > (poll.scale ?? 5)) throw invalid('body.rating', `must be 1..${poll.scale}`);
      return { optionIds: [], rating, words: [] };
    }
    case 'wordcloud':
      only('words');
      return { optionIds: [], rating: null, words: acceptBallotWords(poll, body.words!) };
    default:
      throw new AppError(ErrorCode.internal, 'Unknown poll kind');
  }
}
