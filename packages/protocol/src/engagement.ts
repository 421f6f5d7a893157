import { type Static, Type } from 'typebox';
import { Id, Name, Timestamp } from './common.ts';

/**
 * Engagement (PRODUCT I1, I3): a points ledger fed by what people do at an event, and boards that
 * put teams first. Each (person, action, subject) scores once; undoing the action withdraws it.
 */
export const POINT_ACTIONS = [
  'checkin',
  'question_asked',
  'poll_voted',
  'feedback_given',
  'session_attended',
  'connection_made',
  'referral_verified',
  'checkpoint_found',
  'hint_taken',
  'challenge_completed',
] as const;
export type PointAction = (typeof POINT_ACTIONS)[number];
export const PointAction = Type.Union([
  Type.Literal('checkin'),
  Type.Literal('question_asked'),
  Type.Literal('poll_voted'),
  Type.Literal('feedback_given'),
  Type.Literal('session_attended'),
  Type.Literal('connection_made'),
  Type.Literal('referral_verified'),
  Type.Literal('checkpoint_found'),
  Type.Literal('hint_taken'),
  Type.Literal('challenge_completed'),
]);

/** What an action is worth unless the organiser changed it before the event went live. */
export const DEFAULT_POINTS: Readonly<Record<PointAction, number>> = {
  checkin: 50,
  question_asked: 10,
  poll_voted: 5,
  feedback_given: 10,
  session_attended: 20,
  connection_made: 15,
  referral_verified: 30,
  checkpoint_found: 25,
  // A hint costs what its checkpoint says (the ledger line is negative); this is only the default.
  hint_taken: -5,
  challenge_completed: 100,
};
export const MAX_POINTS_PER_ACTION = 1000;

/**
 * Scoring lines per person, action and event in any hour; past the cap an action still counts (a
 * line of 0 points) but earns nothing, so a script voting in every poll or a ring of fake
 * connections cannot climb the board. Hunts have their own pace (finds 20 s apart).
 */
export const POINT_CAPS_PER_HOUR: Partial<Readonly<Record<PointAction, number>>> = {
  question_asked: 10,
  poll_voted: 40,
  feedback_given: 20,
  connection_made: 20,
  checkpoint_found: 60,
};
export const MAX_TEAM_SIZE = 500;

/** One line of my ledger: why I got (or lost) points. */
export const PointsEntry = Type.Object({
  id: Id,
  eventId: Id,
  action: PointAction,
  /** What the action was about (the ticket, poll, question, session …). */
  subjectId: Type.String(),
  points: Type.Integer(),
  awardedAt: Timestamp,
  /** Set when the action was undone (check-in undone, question removed) or a moderator voided it. */
  withdrawnAt: Type.Union([Timestamp, Type.Null()]),
  /** A moderator voided it (it never comes back), with their reason. */
  voided: Type.Boolean(),
  voidReason: Type.Union([Type.String(), Type.Null()]),
});
export type PointsEntry = Static<typeof PointsEntry>;

export const MyPointsQuery = Type.Object(
  {
    eventId: Id,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type MyPointsQuery = Static<typeof MyPointsQuery>;

export const MyPoints = Type.Object({
  eventId: Id,
  points: Type.Integer(),
  /** My place on the individual board; null when I am not on it (opted out, staff, no points). */
  rank: Type.Union([Type.Integer(), Type.Null()]),
  teamId: Type.Union([Id, Type.Null()]),
  items: Type.Array(PointsEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type MyPoints = Static<typeof MyPoints>;

/** My total at one event, on my `user:` scope after each award or withdrawal. */
export const PointsChanged = Type.Object({ eventId: Id, points: Type.Integer() });
export type PointsChanged = Static<typeof PointsChanged>;

export const TeamScoring = Type.Union([Type.Literal('sum'), Type.Literal('average')]);
export type TeamScoring = Static<typeof TeamScoring>;

export const LeaderboardKind = Type.Union([Type.Literal('team'), Type.Literal('individual')]);
export type LeaderboardKind = Static<typeof LeaderboardKind>;

export const LeaderboardQuery = Type.Object(
  {
    /** Teams first: the team board unless `individual` is asked for. */
    kind: Type.Optional(LeaderboardKind),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type LeaderboardQuery = Static<typeof LeaderboardQuery>;

/** A place on a board; ties go to whoever reached the score first (`reachedAt`). */
export const Standing = Type.Object({
  rank: Type.Integer(),
  /** A person's or a team's id, by the board's kind. */
  id: Id,
  name: Type.String(),
  points: Type.Integer(),
  /** Team boards: members now. */
  members: Type.Optional(Type.Integer()),
  reachedAt: Timestamp,
});
export type Standing = Static<typeof Standing>;

export const Leaderboard = Type.Object({
  eventId: Id,
  kind: LeaderboardKind,
  scoring: TeamScoring,
  /** The board stopped moving at `freezeAt`: standings are as they were then. */
  frozen: Type.Boolean(),
  freezeAt: Type.Union([Timestamp, Type.Null()]),
  items: Type.Array(Standing),
  /** The caller's own place (their team's on the team board); null when not on this board. */
  me: Type.Union([Standing, Type.Null()]),
});
export type Leaderboard = Static<typeof Leaderboard>;

/** On `event:<id>` at most once a second while points move: boards are worth reading again. */
export const LeaderboardChanged = Type.Object({ eventId: Id, changedAt: Timestamp });
export type LeaderboardChanged = Static<typeof LeaderboardChanged>;

export const Team = Type.Object({
  id: Id,
  eventId: Id,
  name: Type.String(),
  captainId: Type.Union([Id, Type.Null()]),
  members: Type.Integer(),
  createdAt: Timestamp,
});
export type Team = Static<typeof Team>;

export const CreateTeamBody = Type.Object({ name: Name(60) }, { additionalProperties: false });
export type CreateTeamBody = Static<typeof CreateTeamBody>;

export const TeamList = Type.Object({
  items: Type.Array(Team),
  /** The caller's team at this event, if any. */
  mine: Type.Union([Id, Type.Null()]),
});
export type TeamList = Static<typeof TeamList>;

/** An event's game settings; points per action are locked once the event is live. */
export const EngagementSettings = Type.Object({
  eventId: Id,
  points: Type.Record(Type.String(), Type.Integer()),
  teamScoring: TeamScoring,
  teamSizeCap: Type.Integer(),
  freezeAt: Type.Union([Timestamp, Type.Null()]),
  /** Points per action can no longer change (the event is live or over). */
  pointsLocked: Type.Boolean(),
});
export type EngagementSettings = Static<typeof EngagementSettings>;

export const EngagementSettingsBody = Type.Partial(
  Type.Object({
    points: Type.Partial(
      Type.Object(
        Object.fromEntries(
          POINT_ACTIONS.map((action) => [
            action,
            Type.Integer({ minimum: 0, maximum: MAX_POINTS_PER_ACTION }),
          ]),
        ),
      ),
      { additionalProperties: false },
    ),
    teamScoring: TeamScoring,
    teamSizeCap: Type.Integer({ minimum: 1, maximum: MAX_TEAM_SIZE }),
    freezeAt: Type.Union([Timestamp, Type.Null()]),
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type EngagementSettingsBody = Static<typeof EngagementSettingsBody>;

/** `PUT /events/:id/leaderboard/me`: whether I appear on the individual board (my points still count for my team). */
export const LeaderboardVisibilityBody = Type.Object(
  { visible: Type.Boolean() },
  { additionalProperties: false },
);
export type LeaderboardVisibilityBody = Static<typeof LeaderboardVisibilityBody>;

/**
 * Scavenger hunts (I4): checkpoints with printable codes (shown as QR codes that open the app at
 * `/h/<code>`), clues, hints that cost points, in any order unless the hunt says otherwise.
 */
export const MAX_CHECKPOINTS = 50;
export const HUNT_CODE_PATTERN = '^[0-9A-Za-z -]{4,40}$';

export const CheckpointBody = Type.Object(
  {
    name: Name(80),
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS_PER_ACTION })),
    clue: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    hint: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    hintCost: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_POINTS_PER_ACTION })),
  },
  { additionalProperties: false },
);
export type CheckpointBody = Static<typeof CheckpointBody>;

export const CreateHuntBody = Type.Object(
  {
    title: Name(80),
    /** Checkpoints must be found in the order given. */
    ordered: Type.Optional(Type.Boolean()),
    checkpoints: Type.Array(CheckpointBody, { minItems: 1, maxItems: MAX_CHECKPOINTS }),
  },
  { additionalProperties: false },
);
export type CreateHuntBody = Static<typeof CreateHuntBody>;

export const HuntCheckpoint = Type.Object({
  id: Id,
  huntId: Id,
  name: Type.String(),
  position: Type.Integer(),
  points: Type.Integer(),
  clue: Type.Union([Type.String(), Type.Null()]),
  hasHint: Type.Boolean(),
  hintCost: Type.Integer(),
  /** The hint, once the caller took it (staff always see it). */
  hint: Type.Union([Type.String(), Type.Null()]),
  /** Whether the caller found it. */
  found: Type.Boolean(),
  /** The printable code: for the event's staff only. */
  code: Type.Optional(Type.String()),
});
export type HuntCheckpoint = Static<typeof HuntCheckpoint>;

export const Hunt = Type.Object({
  id: Id,
  eventId: Id,
  title: Type.String(),
  ordered: Type.Boolean(),
  checkpoints: Type.Array(HuntCheckpoint),
  /** Checkpoints the caller found. */
  found: Type.Integer(),
  createdAt: Timestamp,
});
export type Hunt = Static<typeof Hunt>;

export const HuntList = Type.Object({ items: Type.Array(Hunt) });
export type HuntList = Static<typeof HuntList>;

export const ClaimCheckpointBody = Type.Object(
  { code: Type.String({ pattern: HUNT_CODE_PATTERN }) },
  { additionalProperties: false },
);
export type ClaimCheckpointBody = Static<typeof ClaimCheckpointBody>;

export const CheckpointClaimed = Type.Object({
  eventId: Id,
  huntId: Id,
  checkpoint: HuntCheckpoint,
  /** Points this find earned (0 when it was already found). */
  points: Type.Integer(),
  alreadyFound: Type.Boolean(),
  found: Type.Integer(),
  total: Type.Integer(),
});
export type CheckpointClaimed = Static<typeof CheckpointClaimed>;

/**
 * Achievements (I2): rules over the ledger — thresholds, a first, a collection, a streak across a
 * community's events — each unlocked once per person (per event, or per community for streaks) and
 * kept even if points behind it are later withdrawn.
 */
export const Achievement = Type.Object({
  key: Type.String(),
  title: Type.String(),
  description: Type.String(),
  /** An emoji the app shows as the badge. */
  icon: Type.String(),
  unlockedAt: Type.Union([Timestamp, Type.Null()]),
  eventId: Type.Union([Id, Type.Null()]),
});
export type Achievement = Static<typeof Achievement>;

export const AchievementList = Type.Object({ items: Type.Array(Achievement) });
export type AchievementList = Static<typeof AchievementList>;

export const VoidPointsBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false },
);
export type VoidPointsBody = Static<typeof VoidPointsBody>;

/**
 * Team challenges: goals a team reaches together — points as a team, every checkpoint of a hunt
 * found between its members, every member through the door. The moment a team gets there, each
 * of its members scores the challenge's points (`challenge_completed`), once.
 */
export const ChallengeGoal = Type.Union([
  Type.Literal('team_points'),
  Type.Literal('hunt'),
  Type.Literal('all_checked_in'),
]);
export type ChallengeGoal = Static<typeof ChallengeGoal>;

export const CreateChallengeBody = Type.Object(
  {
    title: Name(80),
    goal: ChallengeGoal,
    /** `team_points`: the team's points to reach. */
    target: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    /** `hunt`: the hunt whose every checkpoint the team must find. */
    huntId: Type.Optional(Id),
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS_PER_ACTION })),
  },
  { additionalProperties: false },
);
export type CreateChallengeBody = Static<typeof CreateChallengeBody>;

export const Challenge = Type.Object({
  id: Id,
  eventId: Id,
  title: Type.String(),
  goal: ChallengeGoal,
  target: Type.Union([Type.Integer(), Type.Null()]),
  huntId: Type.Union([Id, Type.Null()]),
  points: Type.Integer(),
  /** My team's way there (points, checkpoints or members in), and how far it has to go. */
  progress: Type.Union([Type.Object({ done: Type.Integer(), of: Type.Integer() }), Type.Null()]),
  /** When my team completed it. */
  completedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Challenge = Static<typeof Challenge>;

export const ChallengeList = Type.Object({ items: Type.Array(Challenge) });
export type ChallengeList = Static<typeof ChallengeList>;
