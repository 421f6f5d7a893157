import { type ActorName, COMMUNITY_ROLES, EVENT_ROLES } from '../actors.ts';
import type { LiveActor } from './types.ts';

export const eventActors = EVENT_ROLES.map((r) => `event:${r}` as ActorName);
export const communityActors = COMMUNITY_ROLES.map((r) => `community:${r}` as ActorName);
export const allLiveActors: LiveActor[] = [
  'anonymous',
  'outsider',
  ...communityActors,
  ...eventActors,
  'speaker:this',
  'speaker:another',
];
/** Everyone who may see the event (the two session speakers hold the event role `speaker`). */
export const viewers = new Set<LiveActor>([
  ...eventActors,
  ...communityActors,
  'speaker:this',
  'speaker:another',
]);
export const managers = new Set<LiveActor>(['event:organiser', 'community:owner', 'community:admin']);
export const staff = new Set<LiveActor>([...managers, 'event:staff']);
/** Who runs a session's live audience: its speakers and the event's staff. */
export const presenters = new Set<LiveActor>([...staff, 'speaker:this']);
