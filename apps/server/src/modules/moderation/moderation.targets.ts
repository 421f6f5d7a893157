import type { ModerationActionKind, ModerationTargetType } from '@muster/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';

/** What moderation needs to know about one target to queue it and to authorise an action on it. */
export interface TargetFacts {
  eventId: string;
  authorId: string | null;
  excerpt: string | null;
}

/**
 * A module's handler for its own things (messages, questions, words…). `load` answers null for an
 * unknown id (the action then answers 404). `apply` changes the thing for content actions (hide,
 * delete, restore, approve) in the moderator's transaction and appends its own records; it throws an
 * AppError (e.g. `conflict`) for an action the thing does not support. Mute/ban/dismiss are handled
 * by moderation itself and never reach `apply`.
 */
export interface ModerationTarget {
  load(q: Queryable, id: string): Promise<TargetFacts | null>;
  /** Whether this person may see the thing (to report it); viewers of the event when absent. */
  canSee?(q: Queryable, id: string, userId: string): Promise<boolean>;
  apply(work: Work, id: string, action: ContentAction, actorId: string, reason: string | null): Promise<void>;
}

export type ContentAction = Extract<ModerationActionKind, 'hide' | 'delete' | 'restore' | 'approve'>;

const targets = new Map<ModerationTargetType, ModerationTarget>();

/** Called once at import time by the module owning the target type; a second registration replaces the first. */
export function registerModerationTarget(type: ModerationTargetType, target: ModerationTarget): void {
  targets.set(type, target);
}

export const moderationTarget = (type: ModerationTargetType) => targets.get(type);
