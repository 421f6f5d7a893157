import { type EventAccess, isEventStaff } from '../events/index.ts';

/**
 * Who runs a session's Q&A: its own speakers and the event's staff. A speaker of another session
 * of the same event is audience here.
 */
export const isPresenter = (session: { speakerIds: string[] }, access: EventAccess) =>
  isEventStaff(access) || (access.userId !== null && session.speakerIds.includes(access.userId));
