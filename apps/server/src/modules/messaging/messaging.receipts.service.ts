import type { ReadState, ReceiptUpdated } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { readHeads } from '../../platform/changes/change-log.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { invalid } from '../../platform/errors.ts';
import { markGroupRead } from '../notifications/index.ts';
import { requireChannel } from './messaging.access.ts';
import * as channels from './messaging.channels.repository.ts';
import { checkUuid } from './messaging.input.ts';
import { lastMessageSeqAtOrBefore } from './messaging.messages.repository.ts';
import { isPrivateKind } from './messaging.policy.ts';
import { presentReadState } from './messaging.presenter.ts';

export type ReceiptKind = 'delivered' | 'read';

/**
 * Moves the caller's delivered or read marker forward (never back, never past the channel head).
 * A marker always lands on a message: `seq` is rounded down to the newest message at or before it.
 * That is what keeps receipts finite: a receipt record is not a message, so answering one with a
 * receipt moves nothing and records nothing. Reading implies delivery.
 *
 * What is recorded: in DMs and groups (at most 50 people) `messaging.receiptUpdated` on the
 * channel, so the sender's ticks move; in every channel, when the read marker moves, the reader's
 * own `messaging.readStateChanged` on `user:<id>`, so their other devices clear the badge. Event
 * channels (thousands of readers) never get per-reader records on the channel scope.
 */
export async function markChannel(
  ctx: AuthedCtx,
  channelId: string,
  seq: number,
  kind: ReceiptKind,
): Promise<ReadState> {
  const id = checkUuid('body.channelId', channelId);
  if (!Number.isSafeInteger(seq) || seq < 0) throw invalid('body.seq', 'must be an integer ≥ 0');
  if (kind !== 'delivered' && kind !== 'read') throw invalid('body.kind', "must be 'delivered' or 'read'");
  const me = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const access = await requireChannel(work.tx, id, me, 'read');
    const scope = scopes.channel(id);
    const head = (await readHeads(work.tx, [scope]))[scope] ?? 0;
    if (seq > head) throw invalid('body.seq', `must not be beyond the channel head (${head})`);
    const target = await lastMessageSeqAtOrBefore(work.tx, id, seq);
    // Markers start at 0, so a target of 0 moves nothing and needs no row; otherwise lock the row.
    const before =
      target > 0 ? await channels.lockMember(work.tx, id, me) : await channels.findMember(work.tx, id, me);
    const read = before?.lastReadSeq ?? 0;
    const delivered = before?.lastDeliveredSeq ?? 0;
    const nextRead = kind === 'read' ? Math.max(read, target) : read;
    const nextDelivered = Math.max(delivered, target, nextRead);
    const unread = async () => (await channels.findChannelState(work.tx, id, me))!.unreadCount;
    if (nextRead === read && nextDelivered === delivered) return presentReadState(id, before, await unread());
    const after = await channels.advanceMarkers(work.tx, id, me, {
      deliveredSeq: nextDelivered,
      readSeq: nextRead,
    });
    if (isPrivateKind(access.facts.kind)) {
      const receipt: ReceiptUpdated = {
        channelId: id,
        userId: me,
        deliveredSeq: after.lastDeliveredSeq,
        readSeq: after.lastReadSeq,
      };
      await work.append({
        scope,
        entity: entities.messaging.receiptUpdated,
        op: 'upsert',
        id: me,
        data: receipt,
        actorId: me,
      });
    }
    const state = presentReadState(id, after, await unread());
    if (after.lastReadSeq !== read)
      await work.append({
        scope: scopes.user(me),
        entity: entities.messaging.readStateChanged,
        op: 'upsert',
        id,
        data: state,
        actorId: me,
      });
    // Opening the chat reads what the inbox says about it (and cancels its pending pushes).
    if (after.lastReadSeq !== read) await markGroupRead(work, me, scope);
    return state;
  });
}

/** The gateway's `receipt`: same rules as the REST markers. */
export async function recordReceipt(
  ctx: AuthedCtx,
  input: { channelId: string; seq: number; kind: ReceiptKind },
): Promise<void> {
  await markChannel(ctx, input.channelId, input.seq, input.kind);
}
