import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { belongsTo, instant, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { events } from '../events/index.ts';
import { users } from '../identity/index.ts';

/** An event's game settings; an event without a row plays with the defaults. */
export const engagementSettings = pgTable('engagement_settings', {
  eventId: belongsTo('event_id', () => events.id).primaryKey(),
  /** Action → points, overriding DEFAULT_POINTS; frozen once the event is live. */
  points: jsonb('points').$type<Record<string, number>>().notNull().default({}),
  /** sum | average */
  teamScoring: text('team_scoring').notNull().default('sum'),
  teamSizeCap: integer('team_size_cap').notNull().default(10),
  freezeAt: instant('freeze_at'),
  updatedAt: stampedAt('updated_at'),
});

/**
 * The points ledger (I1): one row per (event, person, action, subject), so an action scores once
 * whatever retries or races; a withdrawn row keeps its history and comes back if the action does.
 */
export const pointsLedger = pgTable(
  'points_ledger',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    action: text('action').notNull(),
    subjectId: text('subject_id').notNull(),
    points: integer('points').notNull(),
    awardedAt: timestamptz('awarded_at').notNull(),
    withdrawnAt: timestamptz('withdrawn_at'),
    /** A moderator voided it: withdrawn for good, whatever its source says later. */
    voidedAt: timestamptz('voided_at'),
    voidReason: text('void_reason'),
  },
  (t) => [
    uniqueIndex('points_ledger_award_uq').on(t.eventId, t.userId, t.action, t.subjectId),
    index('points_ledger_user_idx').on(t.userId, t.eventId, t.awardedAt),
    // A subject that disappeared (a deleted question) is withdrawn from whoever it scored for.
    index('points_ledger_subject_idx').on(t.subjectId, t.action),
  ],
);

/**
 * The boards' read model: each person's live total at an event and when they reached it (ties go
 * to whoever got there first), recomputed from the ledger in every awarding transaction under this
 * row's lock, so it always equals the ledger. `board*` is what the boards show: the same, until the
 * event's freeze time, after which only the live total moves.
 */
export const pointScores = pgTable(
  'point_scores',
  {
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    points: integer('points').notNull().default(0),
    reachedAt: timestamptz('reached_at').notNull(),
    boardPoints: integer('board_points').notNull().default(0),
    boardReachedAt: timestamptz('board_reached_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.userId] }),
    index('point_scores_board_idx').on(t.eventId, t.boardPoints.desc(), t.boardReachedAt, t.userId),
  ],
);

/** People who asked not to appear on an event's individual board (their team still counts them). */
export const leaderboardOptOuts = pgTable(
  'leaderboard_opt_outs',
  {
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    at: stampedAt('at'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.userId] })],
);

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    name: text('name').notNull(),
    /** Whoever created the team, then the longest-standing member when the captain leaves. */
    captainId: refersTo('captain_id', () => users.id),
    members: integer('members').notNull().default(0),
    createdAt: stampedAt('created_at'),
  },
  (t) => [
    uniqueIndex('teams_event_name_uq').on(t.eventId, sql`lower(${t.name})`),
    check('teams_members_nonneg', sql`${t.members} >= 0`),
  ],
);

/** One team per person per event. */
export const teamMembers = pgTable(
  'team_members',
  {
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    teamId: belongsTo('team_id', () => teams.id),
    joinedAt: stampedAt('joined_at'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.userId] }), index('team_members_team_idx').on(t.teamId)],
);

/** A scavenger hunt of an event (I4). */
export const hunts = pgTable(
  'hunts',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    title: text('title').notNull(),
    ordered: boolean('ordered').notNull().default(false),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('hunts_event_idx').on(t.eventId, t.createdAt)],
);

/**
 * A checkpoint and its printable code: 40 random bits, so finding one by guessing takes about a
 * trillion tries against a budget of ten wrong ones per person per ten minutes.
 */
export const huntCheckpoints = pgTable(
  'hunt_checkpoints',
  {
    id: uuid('id').primaryKey(),
    huntId: belongsTo('hunt_id', () => hunts.id),
    eventId: belongsTo('event_id', () => events.id),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    points: integer('points').notNull(),
    clue: text('clue'),
    hint: text('hint'),
    hintCost: integer('hint_cost').notNull().default(0),
    code: text('code').notNull(),
  },
  (t) => [
    uniqueIndex('hunt_checkpoints_code_uq').on(t.code),
    uniqueIndex('hunt_checkpoints_position_uq').on(t.huntId, t.position),
  ],
);

/** Achievements unlocked (I2): once per person, rule and scope (the event's id, or the community's for streaks). */
export const achievements = pgTable(
  'achievements',
  {
    userId: belongsTo('user_id', () => users.id),
    key: text('key').notNull(),
    scopeId: uuid('scope_id').notNull(),
    eventId: uuid('event_id'),
    unlockedAt: stampedAt('unlocked_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key, t.scopeId] })],
);

/** A team challenge of an event (see the protocol's `ChallengeGoal`). */
export const challenges = pgTable(
  'challenges',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    title: text('title').notNull(),
    /** team_points | hunt | all_checked_in */
    goal: text('goal').notNull(),
    target: integer('target'),
    huntId: uuid('hunt_id').references(() => hunts.id, { onDelete: 'cascade' }),
    points: integer('points').notNull(),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('challenges_event_idx').on(t.eventId)],
);

/** A team that reached a challenge: once, whoever's award got it there. */
export const challengeCompletions = pgTable(
  'challenge_completions',
  {
    challengeId: belongsTo('challenge_id', () => challenges.id),
    teamId: belongsTo('team_id', () => teams.id),
    completedAt: stampedAt('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.challengeId, t.teamId] })],
);
