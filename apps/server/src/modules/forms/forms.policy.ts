import type { CommunityRole } from '@muster/protocol';
import { isCommunityAdmin } from '../communities/index.ts';
import { canViewEvent, type EventAccess, isEventManager } from '../events/index.ts';

/** What the policies need about a caller and a form's owner. */
export type FormOwnerAccess =
  | { ownerType: 'event'; event: EventAccess | null }
  | { ownerType: 'community'; communityRole: CommunityRole | null };

/**
 * A form is as visible as its owner: an event's form to whoever can see the event (so a draft's
 * form to its managers only), a community's form to anyone (communities have a public card, and a
 * community's lead or survey form is meant to be shared by link).
 */
export function canSeeForm(a: FormOwnerAccess): boolean {
  return a.ownerType === 'community' || (a.event !== null && canViewEvent(a.event));
}

/** Organisers of the event (and admins of its community), or admins of the owning community. */
export function canManageForm(a: FormOwnerAccess): boolean {
  return a.ownerType === 'event'
    ? a.event !== null && isEventManager(a.event)
    : isCommunityAdmin(a.communityRole);
}
