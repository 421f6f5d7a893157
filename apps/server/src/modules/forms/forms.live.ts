import type { FormSubmissionCounted } from '@muster/protocol';
import { entities } from '@muster/protocol';
import type { ChangeInput } from '../../platform/changes/change-log.ts';
import { ownerScopeOf } from './forms.access.ts';
import type { FormRow } from './forms.repository.ts';

/**
 * The live counter: one `forms.submissionCounted` record on the owner's scope per accepted
 * micro-batch and per processed batch (never one per submission), carrying the totals so a
 * client that missed some records is right again with the next one.
 */
export function counted(
  form: Pick<FormRow, 'id' | 'eventId' | 'communityId'>,
  totals: Omit<FormSubmissionCounted, 'formId'>,
): ChangeInput {
  const data: FormSubmissionCounted = { formId: form.id, ...totals };
  return {
    scope: ownerScopeOf(form),
    entity: entities.forms.submissionCounted,
    op: 'upsert',
    id: form.id,
    data,
  };
}
