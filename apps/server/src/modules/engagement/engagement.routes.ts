import {
  AchievementList,
  Challenge,
  ChallengeList,
  CheckpointClaimed,
  ClaimCheckpointBody,
  CreateChallengeBody,
  CreateHuntBody,
  CreateTeamBody,
  EngagementSettings,
  EngagementSettingsBody,
  Hunt,
  HuntCheckpoint,
  HuntList,
  Id,
  IdParams,
  Leaderboard,
  LeaderboardQuery,
  LeaderboardVisibilityBody,
  MyPoints,
  MyPointsQuery,
  Team,
  TeamList,
  VoidPointsBody,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { eventAchievements, myAchievements } from './engagement.achievements.ts';
import { createChallenge, listChallenges } from './engagement.challenges.ts';
import { claimCheckpoint, createHunt, listHunts, takeHint } from './engagement.hunts.ts';
import { leaderboard, myPoints, pointsOfPerson, setBoardVisibility } from './engagement.service.ts';
import { readSettings, updateSettings } from './engagement.settings.ts';
import { createTeam, join, leave, listTeams } from './engagement.teams.ts';
import { voidPoints } from './engagement.void.ts';

const tags = ['engagement'];
const security = [{ bearer: [] }];

export function engagementRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/leaderboard',
    {
      schema: {
        tags,
        security,
        description:
          'The team board (default) or the individual board, with the caller’s own place; for people taking part. ' +
          'Ties go to whoever reached the score first; a frozen board shows standings at `freezeAt`.',
        params: IdParams,
        querystring: LeaderboardQuery,
        response: { 200: Leaderboard },
      },
    },
    async (request) => leaderboard(authedCtx(platform, request), request.params.id, request.query),
  );

  app.put(
    '/api/v1/events/:id/leaderboard/me',
    {
      schema: {
        tags,
        security,
        description:
          'Whether the caller appears on the individual board; their points still count for their team.',
        params: IdParams,
        body: LeaderboardVisibilityBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await setBoardVisibility(authedCtx(platform, request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/points',
    {
      schema: {
        tags,
        security,
        description: 'The caller’s points at an event with the ledger behind them, newest first.',
        querystring: MyPointsQuery,
        response: { 200: MyPoints },
      },
    },
    async (request) => myPoints(authedCtx(platform, request), request.query),
  );

  app.get(
    '/api/v1/events/:id/engagement',
    { schema: { tags, security, params: IdParams, response: { 200: EngagementSettings } } },
    async (request) => readSettings(authedCtx(platform, request), request.params.id),
  );

  app.patch(
    '/api/v1/events/:id/engagement',
    {
      schema: {
        tags,
        security,
        description:
          'Organisers: points per action (until the event is live), team scoring and size, the freeze time.',
        params: IdParams,
        body: EngagementSettingsBody,
        response: { 200: EngagementSettings },
      },
    },
    async (request) => updateSettings(authedCtx(platform, request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/events/:id/teams',
    { schema: { tags, security, params: IdParams, response: { 200: TeamList } } },
    async (request) => listTeams(authedCtx(platform, request), request.params.id),
  );

  app.post(
    '/api/v1/events/:id/teams',
    {
      schema: {
        tags,
        security,
        description: 'A new team, captained by the caller, who joins it (leaving their previous team).',
        params: IdParams,
        body: CreateTeamBody,
        response: { 200: Team },
      },
    },
    async (request) => createTeam(authedCtx(platform, request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/teams/:id/join',
    { schema: { tags, security, params: IdParams, response: { 200: Team } } },
    async (request) => join(authedCtx(platform, request), request.params.id),
  );

  app.post(
    '/api/v1/teams/:id/leave',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await leave(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/events/:id/hunts',
    {
      schema: {
        tags,
        security,
        description: 'Organisers: a scavenger hunt; the answer carries each checkpoint’s printable code.',
        params: IdParams,
        body: CreateHuntBody,
        response: { 200: Hunt },
      },
    },
    async (request) => createHunt(authedCtx(platform, request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/events/:id/hunts',
    {
      schema: {
        tags,
        security,
        description: 'The event’s hunts with what the caller found; codes for the event’s staff only.',
        params: IdParams,
        response: { 200: HuntList },
      },
    },
    async (request) => listHunts(authedCtx(platform, request), request.params.id),
  );

  app.post(
    '/api/v1/hunts/checkpoints/claim',
    {
      schema: {
        tags,
        security,
        description:
          'Claims the checkpoint a code names (typed or scanned). Wrong codes are limited per person; ' +
          'finds are at least 20 s apart; an ordered hunt is found in order.',
        body: ClaimCheckpointBody,
        response: { 200: CheckpointClaimed },
      },
    },
    async (request) => claimCheckpoint(authedCtx(platform, request), request.body),
  );

  app.post(
    '/api/v1/hunts/checkpoints/:id/hint',
    {
      schema: {
        tags,
        security,
        description: 'Reveals the checkpoint’s hint once, for its cost in points.',
        params: IdParams,
        response: { 200: HuntCheckpoint },
      },
    },
    async (request) => takeHint(authedCtx(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/events/:id/achievements',
    {
      schema: {
        tags,
        security,
        description: 'Every achievement there is to unlock, with when the caller unlocked it here.',
        params: IdParams,
        response: { 200: AchievementList },
      },
    },
    async (request) => eventAchievements(authedCtx(platform, request), request.params.id),
  );

  app.get(
    '/api/v1/me/achievements',
    { schema: { tags, security, response: { 200: AchievementList } } },
    async (request) => myAchievements(authedCtx(platform, request)),
  );

  app.post(
    '/api/v1/points/:id/void',
    {
      schema: {
        tags,
        security,
        description: 'Event staff void a points entry for good, with a reason kept in the moderation audit.',
        params: IdParams,
        body: VoidPointsBody,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await voidPoints(authedCtx(platform, request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/events/:id/points/:userId',
    {
      schema: {
        tags,
        security,
        description:
          'Event staff: a person’s points at the event with the ledger behind them (to void a line).',
        params: Type.Object({ id: Id, userId: Id }),
        querystring: Type.Omit(MyPointsQuery, ['eventId']),
        response: { 200: MyPoints },
      },
    },
    async (request) =>
      pointsOfPerson(authedCtx(platform, request), request.params.id, request.params.userId, request.query),
  );

  app.post(
    '/api/v1/events/:id/challenges',
    {
      schema: {
        tags,
        security,
        description: 'Organisers: a team challenge (team points, a whole hunt, every member checked in).',
        params: IdParams,
        body: CreateChallengeBody,
        response: { 200: Challenge },
      },
    },
    async (request) => createChallenge(authedCtx(platform, request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/events/:id/challenges',
    {
      schema: {
        tags,
        security,
        description: 'The event’s team challenges with the caller’s team’s progress.',
        params: IdParams,
        response: { 200: ChallengeList },
      },
    },
    async (request) => listChallenges(authedCtx(platform, request), request.params.id),
  );
}
