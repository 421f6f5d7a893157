import { type Static, Type } from 'typebox';
import { Session } from './agenda.ts';
import { Id } from './common.ts';
import { ImageRef } from './image.ts';

/**
 * A speaker as attendees see them: the public part of a profile only (never the e-mail), and the
 * ids of their sessions in this event, so a client with the agenda links them without a request.
 */
export const Speaker = Type.Object({
  id: Id,
  name: Type.String(),
  headline: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  bio: Type.Union([Type.String(), Type.Null()]),
  avatar: Type.Union([ImageRef, Type.Null()]),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  sessionIds: Type.Array(Id),
});
export type Speaker = Static<typeof Speaker>;

/** `GET /api/v1/events/:id/speakers` — everyone named on a session that is not cancelled, by name. */
export const SpeakerList = Type.Object({ items: Type.Array(Speaker) });
export type SpeakerList = Static<typeof SpeakerList>;

/** `GET /api/v1/events/:id/speakers/:userId` — one speaker and their sessions, in time order. */
export const SpeakerDetail = Type.Object({ speaker: Speaker, sessions: Type.Array(Session) });
export type SpeakerDetail = Static<typeof SpeakerDetail>;

export const SpeakerParams = Type.Object({ id: Id, userId: Id });
export type SpeakerParams = Static<typeof SpeakerParams>;
