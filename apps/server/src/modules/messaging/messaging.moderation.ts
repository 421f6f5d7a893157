import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { registerModerationTarget } from '../moderation/index.ts';
import { loadChannelAccess } from './messaging.access.ts';
import { findChannel } from './messaging.channels.repository.ts';
import { isUuid } from './messaging.input.ts';
import * as repo from './messaging.messages.repository.ts';
import { tombstone, unhide } from './messaging.messages.service.ts';

/**
 * Messages as moderation targets. Only messages of event channels are: a DM or group has no event
 * and no moderator (its people block each other instead), so such an id answers "not found".
 */
registerModerationTarget('message', {
  async load(q, id) {
    if (!isUuid(id)) return null;
    const row = await repo.findMessage(q, id.toLowerCase());
    const channel = row && (await findChannel(q, row.channelId));
    if (!row || !channel?.eventId) return null;
    return { eventId: channel.eventId, authorId: row.senderId, excerpt: row.deletedAt ? null : row.body };
  },
  async canSee(q, id, userId) {
    const row = await repo.findMessage(q, id.toLowerCase());
    return row !== undefined && (await loadChannelAccess(q, row.channelId, userId))?.canRead === true;
  },
  async apply(work, id, action, actorId) {
    const row = await repo.findMessage(work.tx, id.toLowerCase(), { forUpdate: true });
    if (!row) throw notFound('Target');
    switch (action) {
      case 'hide':
        if (!row.deletedAt && !row.hiddenAt) await tombstone(work, row, actorId, 'hide');
        return;
      case 'delete':
        if (!row.deletedAt) await tombstone(work, row, actorId, 'delete');
        return;
      case 'restore':
        if (row.deletedAt) throw new AppError(ErrorCode.conflict, 'A deleted message cannot be restored');
        if (row.hiddenAt) await unhide(work, row, actorId);
        return;
      case 'approve':
        // Messages are never held (a filtered one is refused), so approving one only closes its item.
        return;
    }
  },
});
