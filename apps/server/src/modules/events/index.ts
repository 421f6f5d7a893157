import { type Module, routesOf } from '../../platform/module.ts';
import { eventCoverRoutes } from './events.cover.routes.ts';
import { directoryRoutes } from './events.directory.routes.ts';
import { eventJobs } from './events.jobs.ts';
import { eventRoutes } from './events.routes.ts';
import { rsvpRoutes } from './events.rsvp.routes.ts';

export { type EventAccessAmong, loadEventAccessAmong } from './events.access.batch.ts';
export { type EventRow, loadEventAccess, requireEvent } from './events.access.ts';
export { TAKING_PART } from './events.directory.repository.ts';
export { requireParticipant } from './events.directory.service.ts';
export { acceptsRsvps, nextStatus } from './events.lifecycle.ts';
export {
  canAssignRoles,
  canEditAgenda,
  canEditEvent,
  canRsvp,
  canSeeAgendaHistory,
  canSeeRoles,
  canSeeRsvps,
  canUsePersonalAgenda,
  canViewEvent,
  type EventAccess,
  isEventManager,
  isEventScanner,
  isEventStaff,
} from './events.policy.ts';
export { presentEvent } from './events.presenter.ts';
export { findEvent } from './events.repository.ts';
export { eventRoles, events, rsvps } from './events.tables.ts';

export const eventsModule: Module = {
  name: 'events',
  routes: routesOf(eventRoutes, rsvpRoutes, eventCoverRoutes, directoryRoutes),
  jobs: eventJobs,
};
