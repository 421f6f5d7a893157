import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuthResult, Community, Form, Submission, SubmissionStatus } from '@muster/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadAnswers, leadFields } from '../../../test/factories/forms.ts';
import { http, type MusterProcess, spawnMuster } from '../../../test/processes.ts';
import { metricsHeaders } from '../../../test/scrape-token.ts';

/**
 * `muster serve` on the embedded database (API and worker in one process), killed with SIGKILL
 * at the worst moments and started again on the same data directory.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-forms-crash-'));
const env = {
  MUSTER_DATA_DIR: dataDir,
  QUEUE_VISIBILITY_TIMEOUT_SECONDS: '3',
  HTTP_RATE_LIMIT_PER_MINUTE: '1000000',
};
let server: MusterProcess;
let token: string;
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

beforeAll(async () => {
  server = await spawnMuster('serve', env);
  await server.ready();
  const registered = await http<AuthResult>(`${server.url}/api/v1/auth/register`, 'POST', {
    email: 'owner@example.test',
    password: 'correct horse battery staple',
    name: 'Owner',
  });
  expect(registered.status).toBe(201);
  token = registered.body.accessToken;
});

async function restart() {
  server = await spawnMuster('serve', env);
  await server.ready();
}

async function newForm(): Promise<Form> {
  const community = await http<Community>(
    `${server.url}/api/v1/communities`,
    'POST',
    { name: 'Crash' },
    token,
  );
  const form = await http<Form>(
    `${server.url}/api/v1/forms`,
    'POST',
    {
      ownerType: 'community',
      ownerId: community.body.id,
      purpose: 'lead',
      title: 'Demo',
      fields: leadFields,
      burstPerMinute: 100_000,
    },
    token,
  );
  expect(form.status).toBe(201);
  return form.body;
}

const ownerView = async (formId: string) =>
  (await http<Form>(`${server.url}/api/v1/forms/${formId}`, 'GET', undefined, token)).body;

/** Submits `n` answers from `concurrency` parallel clients; the ids of those answered 202. */
async function burst(formId: string, n: number, concurrency: number, acked: string[], from = 0) {
  let next = from;
  const worker = async () => {
    while (next < from + n) {
      const i = next++;
      const res = await http<{ submissionId: string }>(
        `${server.url}/api/v1/forms/${formId}/submissions`,
        'POST',
        {
          answers: leadAnswers(i),
        },
      ).catch(() => null);
      if (res?.status === 202) acked.push(res.body.submissionId);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function allSubmissions(formId: string): Promise<Submission[]> {
  const rows: Submission[] = [];
  let cursor = '';
  for (;;) {
    const page = await http<{ items: Submission[]; nextCursor: string | null }>(
      `${server.url}/api/v1/forms/${formId}/submissions?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      'GET',
      undefined,
      token,
    );
    rows.push(...page.body.items);
    if (!page.body.nextCursor) return rows;
    cursor = page.body.nextCursor;
  }
}

async function until(probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kill -9 on the embedded database', () => {
  it('keeps every submission the API answered 202 for, though it died right after answering', async () => {
    const form = await newForm();
    const acked: string[] = [];
    const firing = burst(form.id, 200, 20, acked);
    await until(async () => acked.length > 0, 30_000);
    await server.kill9();
    await firing;
    expect(acked.length).toBeGreaterThan(0);
    await restart();
    for (const id of acked) {
      const res = await http<SubmissionStatus>(`${server.url}/api/v1/submissions/${id}`, 'GET');
      expect(res.status, id).toBe(200);
    }
    const rows = await allSubmissions(form.id);
    await until(async () => (await ownerView(form.id)).processedCount === rows.length, 30_000);
    expect(await ownerView(form.id)).toMatchObject({ receivedCount: rows.length, failedCount: 0 });
  });

  it('processes every job after the visibility timeout when the worker dies mid-burst, each once', async () => {
    const form = await newForm();
    const acked: string[] = [];
    const firing = burst(form.id, 1500, 50, acked);
    // Kill once the in-process worker is processing while submissions still arrive.
    await until(async () => ((await ownerView(form.id)).processedCount ?? 0) > 0, 30_000);
    await server.kill9();
    await firing;
    await restart();
    const rows = await allSubmissions(form.id);
    const stored = new Set(rows.map((r) => r.id));
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    await until(async () => (await ownerView(form.id)).processedCount === rows.length, 60_000);
    await until(
      async () =>
        /^muster_queue_depth\{queue="forms.processSubmission"\} 0$/m.test(
          await (await fetch(`${server.url}/metrics`, { headers: metricsHeaders })).text(),
        ) &&
        /^muster_queue_in_flight\{queue="forms.processSubmission"\} 0$/m.test(
          await (await fetch(`${server.url}/metrics`, { headers: metricsHeaders })).text(),
        ),
      30_000,
    );
    const after = await allSubmissions(form.id);
    expect(after.filter((r) => r.status !== 'done')).toEqual([]);
    // The processing effect (the counter) happened once per submission, not once per receive.
    expect(await ownerView(form.id)).toMatchObject({
      receivedCount: rows.length,
      processedCount: rows.length,
      failedCount: 0,
    });
  });
});
