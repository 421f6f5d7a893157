import { scopes } from '@muster/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { communityRoleOf } from '../communities/index.ts';
import { loadEventAccess } from '../events/index.ts';
import { canManageForm, canSeeForm, type FormOwnerAccess } from './forms.policy.ts';
import { type FormRow, findForm } from './forms.repository.ts';

/** Loads what the policies need about `userId` and the owner of `form`. */
export async function ownerAccessOf(
  q: Queryable,
  form: Pick<FormRow, 'ownerType' | 'eventId' | 'communityId'>,
  userId: string | null,
): Promise<FormOwnerAccess> {
  if (form.ownerType === 'event' && form.eventId)
    return { ownerType: 'event', event: await loadEventAccess(q, form.eventId, userId) };
  return { ownerType: 'community', communityRole: await communityRoleOf(q, form.communityId, userId) };
}

/** The scope that hears about a form: its event's, or its community's. */
export const ownerScopeOf = (form: Pick<FormRow, 'eventId' | 'communityId'>) =>
  form.eventId ? scopes.event(form.eventId) : scopes.community(form.communityId);

export const ownerIdOf = (form: Pick<FormRow, 'eventId' | 'communityId'>) => form.eventId ?? form.communityId;

/**
 * Authorise before revealing: `not_found` when the form is missing or its owner is invisible to
 * the caller; `forbidden` when they can see the form but may not manage it.
 */
export async function requireFormManager(
  q: Queryable,
  formId: string,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<FormRow> {
  const form = await findForm(q, formId, options);
  if (!form) throw notFound('Form');
  const access = await ownerAccessOf(q, form, userId);
  if (!canSeeForm(access)) throw notFound('Form');
  if (!canManageForm(access))
    throw new AppError(ErrorCode.forbidden, 'Only the organisers of its event or community manage a form');
  return form;
}
