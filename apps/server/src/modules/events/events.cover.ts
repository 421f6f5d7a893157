import type { Event } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { processUpload, saveImage } from '../media/index.ts';
import { requireEvent } from './events.access.ts';
import { canEditEvent } from './events.policy.ts';
import { eventUpdated, presentEvent } from './events.presenter.ts';
import * as repo from './events.repository.ts';

/**
 * Sets an event's cover from raw image bytes. The actor is authorised before the image is decoded
 * (a stranger's upload costs no CPU), and decoding runs outside the transaction because on the
 * embedded database an open transaction blocks every other query.
 */
export async function setEventCover(ctx: AuthedCtx, eventId: string, bytes: Buffer | null): Promise<Event> {
  const userId = ctx.actor.userId;
  await requireEvent(ctx.platform.db, eventId, userId, canEditEvent);
  const processed = bytes ? await processUpload(bytes) : null;
  return withTx(ctx.platform, async ({ tx, append }) => {
    await requireEvent(tx, eventId, userId, canEditEvent, { forUpdate: true });
    const coverImage = processed ? await saveImage(tx, processed) : null;
    const dto = presentEvent(await repo.updateEvent(tx, eventId, { coverImage }));
    await append(eventUpdated(dto, userId));
    return dto;
  });
}
