import { registerModerationTarget } from '../moderation/index.ts';
import * as repo from './polls.repository.ts';
import { setWordHidden } from './polls.service.ts';

/**
 * Held cloud words as moderation targets (id = `poll_held_words.id`). `hide`/`delete` keep the
 * word out of the results, `restore`/`approve` put it back; both through `setWordHidden`, which
 * republishes the results in the moderator's transaction.
 */
registerModerationTarget('word', {
  async load(q, id) {
    const row = await repo.findHeldWord(q, id);
    return row ? { eventId: row.eventId, authorId: row.authorId, excerpt: row.word } : null;
  },
  async apply(work, id, action) {
    const row = await repo.findHeldWord(work.tx, id);
    if (!row) return;
    await setWordHidden(work, row.pollId, row.word, action === 'hide' || action === 'delete');
  },
});
