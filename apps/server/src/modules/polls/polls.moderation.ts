import { uuidv7 } from 'uuidv7';
import type { Work } from '../../platform/db/unit-of-work.ts';
import {
  participationRefusals,
  queueForModeration,
  type ScreenInput,
  screenTexts,
} from '../moderation/index.ts';
import type { BallotInput } from './polls.input.ts';
import * as repo from './polls.repository.ts';

type Voter = BallotInput & { userId: string };

/**
 * Moderation for one vote batch, in its transaction, with a fixed number of statements for the
 * batch (plus a queue item per newly held word, which is rare): answers the refusal of each ballot
 * that may not count. Other polls: banned voters are refused (one read for every voter). Word
 * clouds: every word goes through `screenTexts` (path `word`; banned and muted voters refused, a
 * voter muted by the flood limit earlier in the batch refused for later ballots). A word a filter
 * flags is held: hidden from the cloud's results and queued (reason `filtered`), while the ballot
 * still counts. `repeated` is ignored: re-voting the same word is how a ballot is replaced.
 */
export async function moderateBallots(
  work: Work,
  poll: repo.PollRow,
  voters: readonly Voter[],
  isStaff: (userId: string) => boolean,
): Promise<Map<Voter, unknown>> {
  const refused = new Map<Voter, unknown>();
  if (poll.kind !== 'wordcloud') {
    const bans = await participationRefusals(work.tx, poll.eventId, [
      ...new Set(voters.map((v) => v.userId)),
    ]);
    for (const voter of voters) if (bans.has(voter.userId)) refused.set(voter, bans.get(voter.userId));
    return refused;
  }
  const inputs: (ScreenInput & { voter: Voter })[] = voters.flatMap((voter) =>
    voter.words.map((text) => ({
      voter,
      eventId: poll.eventId,
      userId: voter.userId,
      path: 'word' as const,
      text,
      isStaff: isStaff(voter.userId),
    })),
  );
  const outcomes = await screenTexts(work, inputs);
  const held = new Map<string, { userId: string; flags: string[] }>();
  inputs.forEach((input, i) => {
    const outcome = outcomes[i]!;
    if (outcome.verdict === 'refuse') refused.set(input.voter, outcome.error);
    else if (outcome.verdict === 'hold') {
      const flags = outcome.flags.filter((f) => f !== 'repeated');
      if (flags.length && !held.has(input.text)) held.set(input.text, { userId: input.userId, flags });
    }
  });
  // A word held only in refused ballots is stored nowhere, so there is nothing to hide.
  for (const word of [...held.keys()])
    if (!voters.some((v) => !refused.has(v) && v.words.includes(word))) held.delete(word);
  await repo.hideWords(work.tx, poll.id, [...held.keys()]);
  const fresh = await repo.holdWords(
    work.tx,
    [...held].map(([word, { userId }]) => ({ id: uuidv7(), pollId: poll.id, word, authorId: userId })),
  );
  for (const row of fresh)
    await queueForModeration(work, {
      eventId: poll.eventId,
      targetType: 'word',
      targetId: row.id,
      reason: 'filtered',
      excerpt: row.word,
      authorId: row.authorId,
      flags: held.get(row.word)!.flags,
    });
  return refused;
}
