/**
 * The crowd of `bench leaderboard`, written straight into the stopped server's database (not timed):
 * `users` people with a few ledger lines each and their scores, spread over `teams` teams, and the
 * registered actors placed in those teams. Registering 5,000 people through the API would spend
 * ~8 minutes of password hashing on a 2-core machine and measure nothing this bench is about.
 */
import path from 'node:path';
import { openPglite, openPostgres } from './peer-db.ts';

export interface SeedPlan {
  db: 'pglite' | 'postgres';
  dataDir: string;
  databaseUrl?: string;
  eventId: string;
  users: number;
  teams: number;
  actorIds: readonly string[];
}

export async function seedCrowd(plan: SeedPlan): Promise<void> {
  const sql =
    plan.db === 'postgres'
      ? await openPostgres(plan.databaseUrl!)
      : await openPglite(path.join(plan.dataDir, 'pgdata'));
  try {
    await sql.tx(async (q) => {
      await q(
        `insert into users (id, email, password_hash, name)
         select gen_random_uuid(), 'crowd-' || i || '@bench.test', 'not-a-hash', 'Crowd ' || i
         from generate_series(1, $1) as i`,
        [plan.users],
      );
      await q(
        `insert into teams (id, event_id, name, members)
         select gen_random_uuid(), $1, 'Team ' || i, 0 from generate_series(1, $2) as i`,
        [plan.eventId, plan.teams],
      );
      // Everyone in a team: the crowd round-robin, the actors too.
      await q(
        `with crowd as (select id, row_number() over (order by email) - 1 as n from users where email like 'crowd-%@bench.test'),
              numbered as (select id, row_number() over (order by name) - 1 as n from teams where event_id = $1)
         insert into team_members (event_id, user_id, team_id)
         select $1, crowd.id, numbered.id from crowd join numbered on numbered.n = crowd.n % $2`,
        [plan.eventId, plan.teams],
      );
      await q(
        `with actors as (select id, row_number() over () - 1 as n from unnest($3::uuid[]) as id),
              numbered as (select id, row_number() over (order by name) - 1 as n from teams where event_id = $1)
         insert into team_members (event_id, user_id, team_id)
         select $1, actors.id, numbered.id from actors join numbered on numbered.n = actors.n % $2`,
        [plan.eventId, plan.teams, plan.actorIds],
      );
      await q(
        `update teams t set members = (select count(*) from team_members m where m.team_id = t.id) where t.event_id = $1`,
        [plan.eventId],
      );
      // One to five earlier awards each, over the last hour, as a morning of play leaves them.
      await q(
        `insert into points_ledger (id, event_id, user_id, action, subject_id, points, awarded_at)
         select gen_random_uuid(), $1, u.id, 'poll_voted', 'seed-' || k, 5 + (random() * 45)::int,
                now() - random() * interval '1 hour'
         from users u cross join lateral generate_series(1, 1 + (random() * 4)::int) as k
         where u.email like 'crowd-%@bench.test'`,
        [plan.eventId],
      );
      await q(
        `insert into point_scores (event_id, user_id, points, reached_at, board_points, board_reached_at)
         select event_id, user_id, sum(points), max(awarded_at), sum(points), max(awarded_at)
         from points_ledger where event_id = $1 group by event_id, user_id`,
        [plan.eventId],
      );
    });
    await sql.query('analyze');
  } finally {
    await sql.close();
  }
}
