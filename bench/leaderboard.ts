/**
 * `leaderboard`: how long from an award to the new rank on a phone, with 5,000 people in 50 teams
 * (issue 16: ranks updated within 5 s of an award). Also the board's read time at that size.
 *
 * Method: one Muster server (PGlite or PostgreSQL) as a child process. Set-up (not timed): an
 * organiser and `--actors` people registered through the API, an event with one session; then the
 * server is stopped, the crowd (`--users` people with 1–5 earlier awards each, `--teams` teams, the
 * actors in them) is written into its database, and the server starts again. The load: every actor
 * asks a question every `60 / --per-minute` s (staggered); the engagement reactor scores it (10
 * points). An award's time runs from the question's 200 to the first read of both boards, by the
 * actor's own token, showing the actor's individual total and their team's total grown by 10. Reads
 * happen as the app does them: on each `engagement.leaderboardChanged` tick of `event:<id>` (one
 * socket, like a phone on the event screen), and once a second as a fallback. Times from one
 * monotonic clock (lib/clock.ts). `--redis` runs the server with `REDIS_URL`, so boards rank from
 * Redis sorted sets.
 */
import { parseArgs } from 'node:util';
import type { Leaderboard } from '@muster/protocol';
import { call, pool } from './lib/api.ts';
import { Cleanup } from './lib/cleanup.ts';
import { nowMs } from './lib/clock.ts';
import { benchSocket, subscribeWithAck, whenConnected } from './lib/connect.ts';
import { seedCrowd } from './lib/leaderboard-seed.ts';
import { printTable, verdict, writeResult } from './lib/results.ts';
import { type BenchServer, makeTempDir, startServer } from './lib/server.ts';
import { type BenchUser, createDatabase, createPublishedEvent, registerUsers } from './lib/setup.ts';
import { ms, summarize } from './lib/stats.ts';
import { benchDb } from './lib/target-server.ts';

const TARGET_MS = 5000;
const POINTS_PER_QUESTION = 10;

function parseLeaderboardArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      users: { type: 'string', default: '5000' },
      teams: { type: 'string', default: '50' },
      actors: { type: 'string', default: '40' },
      'per-minute': { type: 'string', default: '3' },
      seconds: { type: 'string', default: '60' },
      db: { type: 'string', default: 'pglite' },
      /** Rank from Redis sorted sets (`REDIS_URL`), as a deployment with Redis does. */
      redis: { type: 'boolean', default: false },
    },
  });
  const params = {
    users: Number(values.users),
    teams: Number(values.teams),
    actors: Number(values.actors),
    perMinute: Number(values['per-minute']),
    durationMs: Number(values.seconds) * 1000,
    db: benchDb(values.db),
    redis: values.redis,
  };
  if (!(params.users >= 10 && params.teams >= 1 && params.actors >= 1)) throw new Error('bad sizes');
  // Each actor asks at most 5 questions a minute (the questions module's limit).
  if (!(params.perMinute > 0 && params.perMinute <= 4)) throw new Error('--per-minute must be in (0, 4]');
  return params;
}

type Params = ReturnType<typeof parseLeaderboardArgs>;

interface Pending {
  actor: number;
  answeredAt: number;
  individual: number;
  team: number;
}

export async function main(args: string[]): Promise<number> {
  const params = parseLeaderboardArgs(args);
  const cleanup = new Cleanup();
  try {
    return await run(params, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function run(params: Params, cleanup: Cleanup): Promise<number> {
  const dataDir = makeTempDir('leaderboard');
  const env: Record<string, string> = { MUSTER_SEED: 'never' };
  let databaseUrl: string | undefined;
  if (params.db === 'postgres') {
    const database = await createDatabase('muster_bench');
    cleanup.add(`drop database ${database.name}`, () => database.drop());
    databaseUrl = database.url;
    env.DATABASE_URL = database.url;
    env.JWT_SECRET = 'bench-leaderboard-secret-bench-leaderboard-secret';
  }
  if (params.redis) env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  let server: BenchServer = await startServer({ dataDir, env });
  const [organiser, ...actors] = await registerUsers(server.url, 'lb', 0, params.actors + 1);
  const { eventId } = await createPublishedEvent(server.url, organiser!.accessToken, 'Leaderboard bench');
  const session = await call<{ id: string }>(server.url, 'POST', `/api/v1/events/${eventId}/sessions`, {
    token: organiser!.accessToken,
    body: {
      title: 'Keynote',
      startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 7 * 86_400_000 + 3_600_000).toISOString(),
    },
  });
  await pool(actors, 8, (actor) =>
    call(server.url, 'PUT', `/api/v1/events/${eventId}/rsvp`, {
      token: actor.accessToken,
      body: { status: 'going' },
    }),
  );
  await server.stop();
  const seeded = nowMs();
  await seedCrowd({
    db: params.db,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    eventId,
    users: params.users,
    teams: params.teams,
    actorIds: actors.map((a) => a.id),
  });
  console.log(`crowd of ${params.users} in ${params.teams} teams written in ${ms(nowMs() - seeded)}`);
  server = await startServer({ dataDir, env });
  cleanup.add('stop the server', () => server.stop());
  const base = server.url;

  const board = (actor: BenchUser, kind: 'individual' | 'team') =>
    call<Leaderboard>(base, 'GET', `/api/v1/events/${eventId}/leaderboard?kind=${kind}&limit=20`, {
      token: actor.accessToken,
    });
  // Cold and warm reads of the full-size boards before the load (each node caches a board for 1 s).
  const reads: Record<string, number[]> = { individual: [], team: [] };
  for (let i = 0; i < 10; i++)
    for (const kind of ['individual', 'team'] as const) {
      const started = nowMs();
      await board(actors[i % actors.length]!, kind);
      reads[kind]!.push(nowMs() - started);
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }

  const socket = benchSocket(base, organiser!.accessToken);
  cleanup.add('close the socket', async () => {
    socket.close();
  });
  await whenConnected(socket);
  await subscribeWithAck<{ heads?: Record<string, number> }>(
    socket,
    'subscribe',
    { scopes: [`event:${eventId}`] },
    (ack) => !!ack.heads,
  );

  const pending = new Map<number, Pending>();
  const latencies: number[] = [];
  let ticks = 0;
  let reading = false;
  const check = async () => {
    if (reading || !pending.size) return;
    reading = true;
    try {
      await pool([...pending.values()], 8, async (p) => {
        const actor = actors[p.actor]!;
        const [individual, team] = await Promise.all([board(actor, 'individual'), board(actor, 'team')]);
        if ((individual.me?.points ?? 0) >= p.individual && (team.me?.points ?? 0) >= p.team) {
          latencies.push(nowMs() - p.answeredAt);
          pending.delete(p.actor);
        }
      });
    } finally {
      reading = false;
    }
  };
  socket.on('change', (change: { entity: string }) => {
    if (change.entity !== 'engagement.leaderboardChanged') return;
    ticks++;
    void check();
  });
  const fallback = setInterval(() => void check(), 1000);

  const intervalMs = 60_000 / params.perMinute;
  const started = nowMs();
  let asked = 0;
  let failed = 0;
  await Promise.all(
    actors.map(async (actor, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i / actors.length) * intervalMs));
      for (let n = 0; nowMs() - started < params.durationMs; n++) {
        if (!pending.has(i)) {
          const [individual, team] = await Promise.all([board(actor, 'individual'), board(actor, 'team')]);
          try {
            await call(base, 'POST', `/api/v1/sessions/${session.id}/questions`, {
              token: actor.accessToken,
              body: {
                body: `Question ${n} from actor ${i}: what about topic ${Math.random().toString(36).slice(2)}?`,
              },
            });
            asked++;
            pending.set(i, {
              actor: i,
              answeredAt: nowMs(),
              individual: (individual.me?.points ?? 0) + POINTS_PER_QUESTION,
              team: (team.me?.points ?? 0) + POINTS_PER_QUESTION,
            });
          } catch (error) {
            failed++;
            console.warn(`ask failed: ${(error as Error).message.slice(0, 200)}`);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }),
  );
  const drainUntil = nowMs() + 15_000;
  while (pending.size && nowMs() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 200));
  clearInterval(fallback);

  const award = summarize(latencies);
  const individualRead = summarize(reads.individual!);
  const teamRead = summarize(reads.team!);
  const ok = pending.size === 0 && failed === 0 && award.max <= TARGET_MS;
  printTable([
    {
      measure: 'award → rank on both boards (p50 / p95 / max)',
      got: `${ms(award.p50)} / ${ms(award.p95)} / ${ms(award.max)}`,
      want: `≤ ${ms(TARGET_MS)}`,
      result: verdict(award.max <= TARGET_MS),
    },
    {
      measure: 'awards measured / asked / never seen',
      got: `${latencies.length} / ${asked} / ${pending.size}`,
      want: 'none unseen',
      result: verdict(pending.size === 0 && failed === 0),
    },
    {
      measure: 'individual board read (p50 / max)',
      got: `${ms(individualRead.p50)} / ${ms(individualRead.max)}`,
      want: '',
      result: '',
    },
    {
      measure: 'team board read (p50 / max)',
      got: `${ms(teamRead.p50)} / ${ms(teamRead.max)}`,
      want: '',
      result: '',
    },
    { measure: 'board ticks received', got: String(ticks), want: '', result: '' },
  ]);
  writeResult('leaderboard', {
    params,
    award,
    individualRead,
    teamRead,
    ticks,
    asked,
    failed,
    unseen: pending.size,
  });
  return ok ? 0 : 1;
}
