import type { Form, SubmissionStatus } from '@muster/protocol';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity } from '../../../test/factories/events.ts';
import { buildForm, eventually, leadAnswers, statusOf, submit } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { http, type MusterProcess, runMuster, spawnMuster } from '../../../test/processes.ts';
import { queryRows } from '../../platform/db/client.ts';
import { PROCESS_SUBMISSION } from './forms.jobs.ts';
import { formSubmissions } from './forms.tables.ts';

/**
 * On PostgreSQL the API and the workers are separate processes (`muster serve` with the api role,
 * `muster worker`): each is killed with SIGKILL at its worst moment. This test's own node has only
 * the api role and reads the shared database to see what the dead processes left behind.
 */
// Every process of a deployment must share the queue settings (each boot applies them).
const visibility = { QUEUE_VISIBILITY_TIMEOUT_SECONDS: '3', QUEUE_MAX_RECEIVES: '2' };
const node = useTestServer({ env: { MUSTER_ROLES: 'api', ...visibility } });
let owner: TestUser;
let form: Form;
let childEnv: Record<string, string>;
// These tests start child processes and wait up to 60 s for them: longer than the default 30 s.
const PROCESS_TEST_MS = 120_000;
beforeAll(async () => {
  childEnv = {
    DATABASE_URL: node.databaseUrl!,
    JWT_SECRET: node.platform.config.jwtSecret!,
    HTTP_RATE_LIMIT_PER_MINUTE: '1000000',
    ...visibility,
  };
  owner = await registerUser(node);
  const community = await buildCommunity(node, owner);
  form = await buildForm(node, owner, {
    ownerType: 'community',
    ownerId: community.id,
    burstPerMinute: 100_000,
  });
});

const jobStates = async () => {
  const [row] = await queryRows<{ active: number; waiting: number }>(
    node.platform.db,
    sql`SELECT count(*) FILTER (WHERE state = 'active')::int AS active,
               count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS waiting
        FROM pgboss.job WHERE name = ${PROCESS_SUBMISSION}`,
  );
  return row!;
};
const counts = async () => {
  const [row] = await queryRows<{ rows: number; done: number; processed: number }>(
    node.platform.db,
    sql`SELECT (SELECT count(*)::int FROM form_submissions WHERE form_id = ${form.id}) AS rows,
               (SELECT count(*)::int FROM form_submissions WHERE form_id = ${form.id} AND status = 'done') AS done,
               (SELECT processed FROM form_stats WHERE form_id = ${form.id}) AS processed`,
  );
  return row!;
};

describe('kill -9 on PostgreSQL', { timeout: PROCESS_TEST_MS }, () => {
  it('keeps every submission the API process answered 202 for, though it died right after answering', async () => {
    const api = await spawnMuster('serve', { ...childEnv, MUSTER_ROLES: 'api' });
    await api.ready();
    const acked: string[] = [];
    const fire = (i: number) =>
      http<{ submissionId: string }>(`${api.url}/api/v1/forms/${form.id}/submissions`, 'POST', {
        answers: leadAnswers(i),
      }).then(
        (res) => {
          if (res.status === 202) {
            acked.push(res.body.submissionId);
            api.child.kill('SIGKILL'); // right after the first answer
          }
        },
        () => {},
      );
    await Promise.all(Array.from({ length: 100 }, (_, i) => fire(i)));
    await api.exited;
    expect(acked.length).toBeGreaterThan(0);
    for (const id of acked) {
      const status: SubmissionStatus = await statusOf(node, id);
      expect(status.status).toBe('queued');
    }
    // Each stored submission has its processing job: they were committed together.
    const { rows } = await counts();
    expect((await jobStates()).waiting).toBe(rows);
  });

  it('processes every job after the visibility timeout when a worker process dies mid-batch, each once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 3000 }, (_, i) => submit(node, form.id, { answers: leadAnswers(i) })),
    );
    expect(answers.filter((r) => r.statusCode !== 202)).toEqual([]);
    const { rows } = await counts();
    // Start workers and kill each as soon as it holds leases with work still to do, until one
    // died holding leases (its jobs stay `active` after its death).
    let stranded = 0;
    for (let attempt = 0; attempt < 5 && stranded === 0; attempt++) {
      const worker: MusterProcess = await spawnMuster('worker', childEnv);
      await eventually(async () => ((await jobStates()).active > 0 ? true : undefined), 60_000);
      await worker.kill9();
      stranded = (await jobStates()).active;
    }
    expect(stranded).toBeGreaterThan(0);
    expect((await counts()).done).toBeLessThan(rows);

    const survivor = await spawnMuster('worker', childEnv);
    await survivor.ready();
    await eventually(async () => ((await counts()).done === rows ? true : undefined), 60_000);
    await eventually(async () => {
      const s = await jobStates();
      return s.active === 0 && s.waiting === 0 ? true : undefined;
    }, 30_000);
    // The effect (the processed counter) happened once per submission, whatever the receives.
    expect(await counts()).toEqual({ rows, done: rows, processed: rows });
    const view = await node.app.inject({
      method: 'GET',
      url: `/api/v1/forms/${form.id}`,
      headers: owner.headers,
    });
    expect(view.json()).toMatchObject({ receivedCount: rows, processedCount: rows, failedCount: 0 });
    await survivor.kill9();
  });
});

describe('muster queue', { timeout: PROCESS_TEST_MS }, () => {
  it('lists queues, shows dead letters and replays one, as the admin API does', async () => {
    const { submissionId } = (await submit(node, form.id, { answers: leadAnswers(1) })).json();
    const corrupt = { ...leadAnswers(1), email: 'not-an-address' };
    await node.platform.db
      .update(formSubmissions)
      .set({ answers: corrupt })
      .where(eq(formSubmissions.id, submissionId));
    const worker = await spawnMuster('worker', childEnv);
    await eventually(
      async () => ((await statusOf(node, submissionId)).status === 'failed' ? true : undefined),
      30_000,
    );

    const ls = await runMuster(['queue', 'ls'], childEnv);
    expect(ls.code, ls.stderr).toBe(0);
    const line = ls.stdout.split('\n').find((l) => l.startsWith(`${PROCESS_SUBMISSION} `));
    expect(line?.trim().split(/\s+/)).toEqual([
      PROCESS_SUBMISSION,
      '0',
      '0',
      expect.any(String),
      '1',
      '3',
      '2',
    ]);

    const dead = await runMuster(['queue', 'dead', PROCESS_SUBMISSION], childEnv);
    expect(dead.code, dead.stderr).toBe(0);
    expect(dead.stdout).toContain(submissionId);
    expect(dead.stdout).toMatch(/receives 2/);
    const jobId = /^([0-9a-f-]{36}) {2}dead/m.exec(dead.stdout)?.[1];
    expect(jobId).toBeDefined();

    await node.platform.db
      .update(formSubmissions)
      .set({ answers: leadAnswers(1) })
      .where(eq(formSubmissions.id, submissionId));
    const replay = await runMuster(['queue', 'replay', PROCESS_SUBMISSION, jobId!], childEnv);
    expect(replay.code, replay.stderr).toBe(0);
    await eventually(
      async () => ((await statusOf(node, submissionId)).status === 'done' ? true : undefined),
      30_000,
    );
    const again = await runMuster(['queue', 'replay', PROCESS_SUBMISSION, jobId!], childEnv);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not found/);
    expect((await runMuster(['queue', 'frobnicate'], childEnv)).code).toBe(2);
    await worker.kill9();
  });
});
