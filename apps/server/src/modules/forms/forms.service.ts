import {
  type CreateFormBody,
  DEFAULT_BURST_PER_MINUTE,
  entities,
  type Form,
  type FormField,
  type UpdateFormBody,
} from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { isCommunityAdmin, requireCommunityMember } from '../communities/index.ts';
import { canEditEvent, requireEvent } from '../events/index.ts';
import { ownerAccessOf, ownerScopeOf, requireFormManager } from './forms.access.ts';
import { forgetForm } from './forms.cache.ts';
import { checkFields, sameFields } from './forms.fields.ts';
import { canManageForm, canSeeForm } from './forms.policy.ts';
import { presentForm } from './forms.presenter.ts';
import * as repo from './forms.repository.ts';

/** Creating and editing forms: 60 a minute per person is far beyond any organiser's pace. */
const WRITE_LIMIT = { name: 'forms.write', points: 60, durationSeconds: 60 };

/** Creates a form on an event (its organisers) or a community (its owners and admins). */
export async function createForm(ctx: AuthedCtx, input: CreateFormBody): Promise<Form> {
  await ctx.platform.limits.consume(WRITE_LIMIT, ctx.actor.userId);
  const fields = checkFields(input.fields);
  const title = input.title.trim();
  if (!title) throw invalidTitle();
  const userId = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const owner =
      input.ownerType === 'event'
        ? {
            communityId: (await requireEvent(work.tx, input.ownerId, userId, canEditEvent)).event.communityId,
          }
        : {
            communityId: (await requireCommunityMember(work.tx, input.ownerId, userId, isCommunityAdmin))
              .community.id,
          };
    const row = await repo.insertForm(
      work.tx,
      {
        id: uuidv7(),
        ownerType: input.ownerType,
        communityId: owner.communityId,
        eventId: input.ownerType === 'event' ? input.ownerId : null,
        purpose: input.purpose,
        title,
        isOpen: input.open ?? true,
        burstPerMinute: input.burstPerMinute ?? DEFAULT_BURST_PER_MINUTE,
        createdBy: userId,
      },
      fields,
    );
    await announce(work, row, fields, userId);
    return presentForm(row, fields, { processed: 0, failed: 0 });
  });
}

/** The public definition, as visible as the form's owner; managers also get counters and allowance. */
export async function getForm(ctx: Ctx, formId: string): Promise<Form> {
  const db = ctx.platform.db;
  const row = await repo.findForm(db, formId);
  if (!row) throw notFound('Form');
  const access = await ownerAccessOf(db, row, ctx.actor?.userId ?? null);
  if (!canSeeForm(access)) throw notFound('Form');
  const fields = await repo.findFields(db, row.id, row.version);
  return presentForm(row, fields, canManageForm(access) ? await repo.findStats(db, row.id) : undefined);
}

/**
 * Edits a form. New `fields` (different from the current ones) make a new version; submissions
 * already received keep the version they answered, and intake batches still in flight re-check
 * their answers against the new version before they commit (they lock the same row).
 */
export async function updateForm(ctx: AuthedCtx, formId: string, input: UpdateFormBody): Promise<Form> {
  await ctx.platform.limits.consume(WRITE_LIMIT, ctx.actor.userId);
  const nextFields = input.fields ? checkFields(input.fields) : undefined;
  const title = input.title?.trim();
  if (title === '') throw invalidTitle();
  const form = await withTx(ctx.platform, async (work) => {
    const row = await requireFormManager(work.tx, formId, ctx.actor.userId, { lock: true });
    const current = await repo.findFields(work.tx, row.id, row.version);
    const newVersion = nextFields && !sameFields(current, nextFields);
    if (newVersion) await repo.insertVersion(work.tx, row.id, row.version + 1, nextFields);
    const updated = await repo.updateForm(work.tx, row.id, {
      ...(title ? { title } : {}),
      ...(input.open !== undefined ? { isOpen: input.open } : {}),
      ...(input.burstPerMinute ? { burstPerMinute: input.burstPerMinute } : {}),
      ...(newVersion ? { version: row.version + 1 } : {}),
    });
    const fields = newVersion ? nextFields : current;
    await announce(work, updated, fields, ctx.actor.userId);
    return presentForm(updated, fields, await repo.findStats(work.tx, row.id));
  });
  forgetForm(ctx.platform, formId);
  return form;
}

/** Followers of the owner's scope see the public definition change live. */
async function announce(work: Work, row: repo.FormRow, fields: FormField[], actorId: string) {
  await work.append({
    scope: ownerScopeOf(row),
    entity: entities.forms.formChanged,
    op: 'upsert',
    id: row.id,
    data: presentForm(row, fields),
    actorId,
  });
}

function invalidTitle() {
  return invalid('body.title', 'must not be blank');
}
