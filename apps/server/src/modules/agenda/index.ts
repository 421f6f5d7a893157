import type { Platform } from '../../platform/context.ts';
import type { App } from '../../platform/http/server.ts';
import { personalAgendaRoutes } from './agenda.personal.routes.ts';
import { sessionRoutes } from './agenda.routes.ts';
import { speakerRoutes } from './agenda.speakers.routes.ts';

export { requireSession } from './agenda.access.ts';
export { overlapCounts, overlapGroups, type TimeRange } from './agenda.conflicts.ts';
export { agendaJobs } from './agenda.jobs.ts';
export { presentSession } from './agenda.presenter.ts';
export { findSession, type SessionRow, sessionEventId } from './agenda.repository.ts';
export { bookmarks, notes, sessionHistory, sessions } from './agenda.tables.ts';

/** Every agenda route: sessions, history, bookmarks, schedule, notes, the calendar feed and speakers. */
export function agendaRoutes(app: App, platform: Platform) {
  sessionRoutes(app, platform);
  personalAgendaRoutes(app, platform);
  speakerRoutes(app, platform);
}
