/**
 * The two peers of the `burst` benchmark, each its own process (`burst-peer.ts send|naive
 * pglite|postgres`), driven over IPC by bench/burst.ts (lib/child.ts). Both are Fastify servers
 * with the same route shape as Muster's, validating the same answers with a JSON schema, on the
 * same kind of database with Muster's default pool (20 connections on PostgreSQL; one embedded
 * PGlite in the process), and both end in the same effect: a submission row and a lead upserted by
 * e-mail, in one transaction.
 *
 * - `send`: the handler calls pg-boss `send()` per request and answers 202; a pg-boss worker in the
 *   same process, configured like Muster's (batches of 100 in one transaction, 0.5 s polling,
 *   fetching again at once while batches come back full), does the processing.
 * - `naive`: the handler does the whole processing in the request and answers 200 after commit
 *   (the design that fell over in the field).
 * - `floor`: validates and answers 202, keeping the ids in memory, no database: what the HTTP stack
 *   and the load process reach on this machine (informational, not a peer).
 */
import Fastify from 'fastify';
import type { PgBoss } from 'pg-boss';
import { type BurstSubmission, PEER_BODY_SCHEMA } from './burst-form.ts';
import { serveParent } from './child.ts';
import { openPeerDb, type Query, type Sql } from './peer-db.ts';

const QUEUE = 'burst.process';
/** Muster's limit for the submission route: answers of 64 KiB plus room for the envelope. */
const BODY_LIMIT = 96 * 1024;

const mode = process.argv[2];
const kind = process.argv[3];
if (!['send', 'naive', 'floor'].includes(mode ?? '') || (kind !== 'pglite' && kind !== 'postgres'))
  throw new Error('usage: burst-peer.ts send|naive|floor pglite|postgres');

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS leads (
    id uuid PRIMARY KEY, email text NOT NULL UNIQUE, name text, company text,
    created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS submissions (
    id uuid PRIMARY KEY, answers jsonb NOT NULL, lead_id uuid NOT NULL REFERENCES leads (id),
    received_at timestamptz NOT NULL, processed_at timestamptz NOT NULL DEFAULT now());`;

/** The processing both peers share: upsert the lead by e-mail, store the submission once. */
async function processSubmission(query: Query, s: BurstSubmission, receivedAt: string): Promise<string> {
  const [lead] = await query<{ id: string }>(
    `INSERT INTO leads (id, email, name, company) VALUES (gen_random_uuid(), lower($1), $2, $3)
     ON CONFLICT (email) DO UPDATE
       SET name = EXCLUDED.name, company = coalesce(EXCLUDED.company, leads.company), updated_at = now()
     RETURNING id`,
    [s.answers.email.trim(), s.answers.name.trim(), s.answers.company?.trim() || null],
  );
  if (!lead) throw new Error('lead upsert returned no row');
  await query(
    `INSERT INTO submissions (id, answers, lead_id, received_at) VALUES ($1, $2::jsonb, $3, $4)
     ON CONFLICT (id) DO NOTHING`,
    [s.submissionId, JSON.stringify(s.answers), lead.id, receivedAt],
  );
  return lead.id;
}

interface Queued {
  submission: BurstSubmission;
  receivedAt: string;
}

let sql: Sql | undefined;
let boss: PgBoss | undefined;
/** The floor's "storage". */
const seen = new Set<string>();
const app = Fastify({
  logger: false,
  bodyLimit: BODY_LIMIT,
  // Refuse unknown keys and wrong types as Muster does (Fastify's default would strip and coerce).
  ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
});

app.get('/healthz', async () => ({ ok: true }));
app.post<{ Params: { id: string }; Body: BurstSubmission }>(
  '/api/v1/forms/:id/submissions',
  { schema: { body: PEER_BODY_SCHEMA } },
  async (request, reply) => {
    const submission = request.body;
    const receivedAt = new Date().toISOString();
    if (mode === 'floor') {
      seen.add(submission.submissionId);
      return reply.status(202).send({ submissionId: submission.submissionId, status: 'queued' });
    }
    if (mode === 'send') {
      const job: Queued = { submission, receivedAt };
      await boss!.send(QUEUE, job, { id: submission.submissionId });
      return reply.status(202).send({ submissionId: submission.submissionId, status: 'queued' });
    }
    const leadId = await sql!.tx((query) => processSubmission(query, submission, receivedAt));
    return reply.status(200).send({ submissionId: submission.submissionId, status: 'done', leadId });
  },
);

async function start(message: Record<string, unknown>) {
  if (mode === 'floor') return listen();
  sql = await openPeerDb(kind as 'pglite' | 'postgres', message);
  for (const statement of SCHEMA.split(';').filter((s) => s.trim())) await sql.query(statement);
  if (mode === 'send') {
    const db = sql;
    boss = db.boss();
    boss.on('error', (error: Error) => console.error(`peer pg-boss: ${error.message}`));
    await boss.start();
    // Muster's queue settings: 30 s visibility timeout, 5 receives, backoff from 1 s.
    await boss.createQueue(QUEUE, {
      expireInSeconds: 30,
      retryLimit: 4,
      retryDelay: 1,
      retryBackoff: true,
      deleteAfterSeconds: 60,
    });
    await boss.work<Queued>(
      QUEUE,
      { batchSize: 100, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
      async (jobs) => {
        await db.tx(async (query) => {
          for (const job of jobs) await processSubmission(query, job.data.submission, job.data.receivedAt);
        });
      },
    );
  }
  return listen();
}

async function listen() {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: Number(new URL(address).port) };
}

/** Progress for the drain poll: rows processed, jobs not finished (0 for the naive peer). */
async function progress() {
  if (mode === 'floor') return { processed: seen.size, pending: 0, failed: 0 };
  const [done] = await sql!.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions');
  let pending = 0;
  if (mode === 'send') {
    const [row] = await sql!.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
      [QUEUE],
    );
    pending = row?.n ?? 0;
  }
  return { processed: done?.n ?? 0, pending, failed: 0 };
}

/** What is stored, for the lost/duplicate check (the shape of `Stored` in lib/burst-targets.ts). */
async function stored() {
  if (mode === 'floor') {
    const ids = [...seen];
    return { ids, processedIds: ids, failed: 0, leads: 0, leadEmails: 0, submissionEmails: 0 };
  }
  const q = sql!;
  const ids = (await q.query<{ id: string }>('SELECT id FROM submissions')).map((r) => r.id);
  const [counts] = await q.query<{ leads: number; lead_emails: number; emails: number }>(
    `SELECT (SELECT count(*)::int FROM leads) AS leads,
            (SELECT count(DISTINCT email)::int FROM leads) AS lead_emails,
            (SELECT count(DISTINCT lower(answers->>'email'))::int FROM submissions) AS emails`,
  );
  return {
    ids,
    // A row exists only once processed (the worker or the request wrote it with its lead).
    processedIds: ids,
    failed: 0,
    leads: counts?.leads ?? 0,
    leadEmails: counts?.lead_emails ?? 0,
    submissionEmails: counts?.emails ?? 0,
  };
}

serveParent({
  start,
  progress,
  stored,
  cpu: () => {
    const usage = process.cpuUsage();
    return { cpuSeconds: (usage.user + usage.system) / 1e6 };
  },
  stop: async () => {
    await boss?.stop({ graceful: true, close: false, timeout: 10_000 }).catch(() => {});
    await app.close();
    await sql?.close();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
});
