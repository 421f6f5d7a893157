import type { DeadJob, Form, QueueInfo, Submission } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, call } from '../../../test/factories/events.ts';
import { buildForm, eventually, leadAnswers, statusOf, submit } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { metricsHeaders } from '../../../test/scrape-token.ts';
import { users } from '../identity/index.ts';
import { PROCESS_SUBMISSION, type ProcessSubmission } from './forms.jobs.ts';
import { processSubmissions } from './forms.process.ts';
import { formSubmissions } from './forms.tables.ts';

/**
 * Workers dying and poison submissions, with the real pg-boss queue: this node has no worker role,
 * so the test decides who leases what; a visibility timeout of 2 s and 3 receives keep it short.
 */
const server = useTestServer({
  env: { MUSTER_ROLES: 'api,realtime', QUEUE_VISIBILITY_TIMEOUT_SECONDS: '2', QUEUE_MAX_RECEIVES: '3' },
});
let admin: TestUser;
let owner: TestUser;
let form: Form;
beforeAll(async () => {
  [admin, owner] = await Promise.all([registerUser(server), registerUser(server)]);
  // Whoever registered first became the instance admin; make it the one this test expects.
  await server.platform.db.update(users).set({ isAdmin: false });
  await server.platform.db.update(users).set({ isAdmin: true }).where(eq(users.id, admin.id));
  const community = await buildCommunity(server, owner);
  form = await buildForm(server, owner, { ownerType: 'community', ownerId: community.id });
});

const queueInfo = async () =>
  (await call<QueueInfo[]>(server, 'GET', '/api/v1/admin/queues', admin)).find(
    (q) => q.name === PROCESS_SUBMISSION,
  )!;
const ownerView = () => call<Form>(server, 'GET', `/api/v1/forms/${form.id}`, owner);
const metric = async (line: RegExp) => {
  const text = (await server.app.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders })).body;
  return Number(line.exec(text)?.[1] ?? Number.NaN);
};

describe('a worker that dies mid-batch', () => {
  it('has every job processed after the visibility timeout, each effect once', async () => {
    const n = 40;
    const ids = await Promise.all(
      Array.from(
        { length: n },
        async (_, i) => (await submit(server, form.id, { answers: leadAnswers(i) })).json().submissionId,
      ),
    );
    // The doomed worker leases the whole burst, commits the effects of half of it, and dies
    // before acknowledging anything: the worst moment, after commit and before the ack.
    const leased = await server.platform.jobs.boss.fetch<ProcessSubmission>(PROCESS_SUBMISSION, {
      batchSize: n,
    });
    expect(leased).toHaveLength(n);
    const half = leased
      .slice(0, n / 2)
      .map((j) => ({ id: j.id, data: j.data, receive: 1, lastReceive: false }));
    expect(await processSubmissions(server.platform, half)).toEqual(half.map(() => 'done'));
    expect(await queueInfo()).toMatchObject({
      inFlight: n,
      depth: 0,
      visibilityTimeoutSeconds: 2,
      maxReceives: 3,
    });
    expect(await metric(/^muster_queue_in_flight\{queue="forms.processSubmission"\} (\d+)/m)).toBe(n);

    await server.platform.jobs.startWorkers();
    await eventually(async () => ((await ownerView()).processedCount === n ? true : undefined));
    // Expired leases come back as retries (with backoff): wait until none waits and none is leased.
    await eventually(async () => {
      const q = await queueInfo();
      return q.inFlight === 0 && q.depth === 0 ? true : undefined;
    });
    for (const id of ids) expect((await statusOf(server, id)).status).toBe('done');
    expect(await ownerView()).toMatchObject({ receivedCount: n, processedCount: n, failedCount: 0 });
    const settled = (result: string) =>
      metric(
        new RegExp(
          `^muster_jobs_processed_total\\{queue="forms.processSubmission",result="${result}"\\} (\\d+)`,
          'm',
        ),
      );
    expect(await settled('skipped')).toBe(n / 2);
    expect(await settled('done')).toBe(n / 2);
  });
});

describe('a poison submission', () => {
  it('fails after the last receive, waits in the dead-letter queue and is processed after a replay', async () => {
    await server.platform.jobs.stopWorkers();
    const res = await submit(server, form.id, { answers: leadAnswers(1) });
    const { submissionId } = res.json();
    // Corrupted after intake (a bad migration, a manual edit): processing re-validates and refuses.
    const corrupt = { ...leadAnswers(1), email: 'not-an-address' };
    await server.platform.db
      .update(formSubmissions)
      .set({ answers: corrupt })
      .where(eq(formSubmissions.id, submissionId));
    await server.platform.jobs.startWorkers();

    const failed = await eventually(async () => {
      const s = await statusOf(server, submissionId);
      return s.status === 'failed' ? s : undefined;
    });
    expect(failed.error).toMatch(/answers\.email/);
    const deadInfo = await eventually(async () => {
      const q = await queueInfo();
      return q.dead === 1 ? q : undefined;
    });
    expect(deadInfo).toMatchObject({ depth: 0, inFlight: 0 });
    expect(await metric(/^muster_queue_dead\{queue="forms.processSubmission"\} (\d+)/m)).toBe(1);
    const dead = await call<{ items: DeadJob[] }>(
      server,
      'GET',
      `/api/v1/admin/queues/${PROCESS_SUBMISSION}/dead`,
      admin,
    );
    expect(dead.items).toHaveLength(1);
    expect(dead.items[0]).toMatchObject({ queue: PROCESS_SUBMISSION, data: { submissionId }, receives: 3 });
    expect(await ownerView()).toMatchObject({ failedCount: 1 });

    await server.platform.db
      .update(formSubmissions)
      .set({ answers: leadAnswers(1) })
      .where(eq(formSubmissions.id, submissionId));
    const replay = await call(
      server,
      'POST',
      `/api/v1/admin/queues/${PROCESS_SUBMISSION}/dead/${dead.items[0]!.id}/replay`,
      admin,
    );
    expect(replay).toEqual({ replayed: true, queue: PROCESS_SUBMISSION });
    await eventually(async () =>
      (await statusOf(server, submissionId)).status === 'done' ? true : undefined,
    );
    expect(await statusOf(server, submissionId)).toMatchObject({ submissionId, status: 'done' });
    expect((await queueInfo()).dead).toBe(0);
    const view = await ownerView();
    expect(view.failedCount).toBe(0);
    expect(view.processedCount).toBe(view.receivedCount);
    const rows = await call<{ items: Submission[] }>(
      server,
      'GET',
      `/api/v1/forms/${form.id}/submissions?status=failed`,
      owner,
    );
    expect(rows.items).toHaveLength(0);
  });
});

describe('queue administration', () => {
  it('is for instance admins only, and answers 404 for unknown queues and jobs', async () => {
    const as = (user: TestUser | null, method: 'GET' | 'POST', url: string) =>
      server.app.inject({ method, url, headers: user?.headers ?? {} });
    const base = `/api/v1/admin/queues/${PROCESS_SUBMISSION}/dead`;
    const replay = `${base}/00000000-0000-4000-8000-000000000000/replay`;
    for (const [method, url] of [
      ['GET', '/api/v1/admin/queues'],
      ['GET', base],
      ['POST', replay],
    ] as const) {
      expect((await as(owner, method, url)).statusCode).toBe(403);
      expect((await as(null, method, url)).statusCode).toBe(401);
    }
    expect((await as(admin, 'POST', replay)).statusCode).toBe(404);
    expect((await as(admin, 'GET', '/api/v1/admin/queues/nope.nothing/dead')).statusCode).toBe(404);
    expect((await as(admin, 'GET', '/api/v1/admin/queues/pgboss.internal/dead')).statusCode).toBe(404);
    expect((await as(admin, 'GET', `/api/v1/admin/queues/${PROCESS_SUBMISSION}.dead/dead`)).statusCode).toBe(
      404,
    );
    expect((await as(admin, 'POST', `${base}/not-a-uuid/replay`)).statusCode).toBe(400);
    expect((await as(admin, 'GET', `${base}?cursor=garbage`)).statusCode).toBe(400);
    const names = (await call<QueueInfo[]>(server, 'GET', '/api/v1/admin/queues', admin)).map((q) => q.name);
    expect(names).toContain(PROCESS_SUBMISSION);
    expect(names.some((n) => n.endsWith('.dead'))).toBe(false);
  });
});
