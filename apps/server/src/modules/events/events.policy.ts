import type { CommunityRole, EventRole } from '@muster/protocol';
import { isCommunityAdmin } from '../communities/communities.policy.ts';
import type { EventRow } from './events.access.ts';

/** Everything a policy needs to decide about one caller and one event. */
export interface EventAccess {
  event: EventRow;
  userId: string | null;
  eventRole: EventRole | null;
  communityRole: CommunityRole | null;
}

/** Organisers of the event and admins of its community run it. */
export const isEventManager = (a: EventAccess) =>
  a.eventRole === 'organiser' || isCommunityAdmin(a.communityRole);
/** Managers plus staff: door, moderation, attendee lists. */
export const isEventStaff = (a: EventAccess) => isEventManager(a) || a.eventRole === 'staff';
/** Staff plus volunteers: whoever scans tickets at the door (volunteers scan only: no search, no undo). */
export const isEventScanner = (a: EventAccess) => isEventStaff(a) || a.eventRole === 'volunteer';

/**
 * Drafts are seen by managers only. Public and unlisted events are seen by anyone once published;
 * private ones by community members and people holding a role in the event.
 */
export function canViewEvent(a: EventAccess): boolean {
  if (isEventManager(a)) return true;
  if (a.event.status === 'draft') return false;
  if (a.event.visibility === 'private') return a.communityRole !== null || a.eventRole !== null;
  return true;
}

export const canEditEvent = isEventManager;
export const canAssignRoles = isEventManager;
export const canSeeRoles = isEventStaff;
export const canSeeRsvps = isEventStaff;
export const canEditAgenda = isEventManager;
export const canSeeAgendaHistory = isEventStaff;

/** RSVPs are open while the event is published or live, to signed-in people who can see it. */
export const canRsvp = (a: EventAccess) =>
  a.userId !== null && canViewEvent(a) && (a.event.status === 'published' || a.event.status === 'live');

/** Reading is allowed on any status the caller can see; bookmarks and notes need a signed-in viewer. */
export const canUsePersonalAgenda = (a: EventAccess) => a.userId !== null && canViewEvent(a);
