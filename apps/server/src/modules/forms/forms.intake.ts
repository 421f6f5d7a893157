import { setTimeout as sleep } from 'node:timers/promises';
import type { SubmissionAccepted, SubmitFormBody } from '@muster/protocol';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import type { Outcome } from '../../platform/batching/keyed-batcher.ts';
import { perNodeBatcher } from '../../platform/batching/per-node-batcher.ts';
import type { Ctx, Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { perNode } from '../../platform/node-state.ts';
import { canViewEvent, loadEventAccess } from '../events/index.ts';
import { type Answers, fingerprintOf, validateAnswers } from './forms.answers.ts';
import { type IntakeForm, intakeForm } from './forms.cache.ts';
import { submissionIdForKey, unguessableUuidv7 } from './forms.ids.ts';
import { PROCESS_SUBMISSION, type ProcessSubmission } from './forms.jobs.ts';
import { counted } from './forms.live.ts';
import * as repo from './forms.repository.ts';
import { findFingerprints, insertSubmissions, type NewSubmission } from './forms.submissions.repository.ts';

/** Up to this many submissions to one form share a transaction; the rest wait for the next one. */
const MAX_BATCH = 500;
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
const accepted = (submissionId: string): SubmissionAccepted => ({ submissionId, status: 'queued' });

const batcherOf = perNodeBatcher<NewSubmission, SubmissionAccepted>({
  maxBatch: MAX_BATCH,
  run: async (platform, formId, items) => {
    try {
      return await runIntakeBatch(platform, formId, items);
    } finally {
      // Its senders are answered only now; their next submissions cannot have arrived before.
      noteActivity(platform);
    }
  },
});

interface BurstClock {
  /**
   * When this node last received a submission or finished committing a micro-batch: a burst is
   * "over" only after a quiet spell measured from both (a slow commit is no quiet spell: its
   * senders could not send their next submission before it answered them).
   */
  lastActivity: number;
  /**
   * When the running burst began: its first activity after a quiet spell. Workers yield to a burst
   * for a bounded time counted from here, not from each of their batches: a per-batch wait would
   * cap processing at one batch per wait under a steady stream that is never quiet, and would
   * start processing in the middle of a long burst anyway.
   */
  burstStartedAt: number;
}
const burstOf = perNode<BurstClock>(() => ({ lastActivity: 0, burstStartedAt: 0 }));
/** Activity closer together than this is one burst; a worker calls the burst over after it. */
export const INTAKE_QUIET_MS = 250;

function noteActivity(platform: Platform): void {
  const burst = burstOf(platform);
  const now = Date.now();
  if (now - burst.lastActivity >= INTAKE_QUIET_MS) burst.burstStartedAt = now;
  burst.lastActivity = now;
}

/**
 * Called as soon as a submission's request is received, before its body is read: a worker that
 * turns the event loop then sees it, even though the body arrives on a later turn.
 */
export function noteArrival(platform: Platform): void {
  noteActivity(platform);
}

/**
 * A full turn of the event loop, including its poll phase: pending network reads (new
 * submissions) are handled first. One `setImmediate` is not enough: called from the poll phase,
 * it runs in the same iteration's check phase, before the next poll.
 */
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const turnOfTheLoop = () => immediate().then(immediate);

/**
 * Resolves once no submission has arrived on this node for `INTAKE_QUIET_MS` and none is waiting
 * to be committed, or once the running burst is `maxYieldMs` old. Workers call it before each
 * batch: during a burst, answering 202s comes first (on the embedded database there is one
 * connection and one thread, and a processing transaction holds up every intake batch). An empty
 * batcher alone is no sign of quiet: between two micro-batches the answered senders are already
 * sending their next one. Nor is the clock alone: a chain of embedded-database calls (a worker
 * batch, its acknowledgement, the next fetch) never lets the event loop read the network, so a
 * worker that judged quiet without first turning the loop saw no arrivals only because none could
 * be read, and went on batch after batch while a thousand senders waited (the PGlite burst stall).
 */
export async function intakeQuiet(platform: Platform, maxYieldMs: number): Promise<void> {
  const burst = burstOf(platform);
  for (;;) {
    await turnOfTheLoop();
    const deadline = burst.burstStartedAt + maxYieldMs;
    const timeout = () => sleep(Math.max(0, deadline - Date.now()), undefined, { ref: false });
    await Promise.race([batcherOf(platform).idle(), timeout()]);
    const now = Date.now();
    const quietFor = now - burst.lastActivity;
    if (quietFor >= INTAKE_QUIET_MS || now >= deadline) return;
    await sleep(Math.min(INTAKE_QUIET_MS - quietFor, deadline - now), undefined, { ref: false });
  }
}

/**
 * The burst path. Checks everything that needs no transaction (visibility, limits, the answers
 * against the form's current version), then joins the form's micro-batch: concurrent submissions
 * to one form on this node commit together, each answered only after that commit. Processing
 * happens later, in workers; nothing here waits for it. `clientAddress` is the caller's address
 * (`request.ip`), which only ever buys a share of a form's allowance.
 */
export async function submitForm(
  ctx: Ctx,
  formId: string,
  body: SubmitFormBody,
  idempotencyKey: string | undefined,
  clientAddress: string,
): Promise<SubmissionAccepted> {
  const { platform } = ctx;
  noteActivity(platform);
  const form = await intakeForm(platform, formId);
  if (!form || !(await maySubmit(ctx, form))) {
    // Not found costs no form anything; only the caller's own address pays for guessing.
    await platform.limits.consume(UNKNOWN_FORMS, clientAddress);
    throw notFound('Form');
  }
  if (!form.row.isOpen) throw closed();
  await consumeAll(platform, submissionLimits(platform, form, clientAddress));
  const answers = validateAnswers(form.fields, body.answers);
  return batcherOf(platform).submit(formId, {
    id: submissionIdOf(formId, body.submissionId, idempotencyKey),
    version: form.row.version,
    answers,
    fingerprint: fingerprintOf(answers),
    ref: body.ref ?? null,
    submitterId: ctx.actor?.userId ?? null,
  });
}

/** Submissions to forms that do not exist (or that the caller may not see), per address and minute. */
export const UNKNOWN_FORMS_PER_MINUTE = 120;
const UNKNOWN_FORMS: Limit = { name: 'forms.unknown', points: UNKNOWN_FORMS_PER_MINUTE, durationSeconds: 60 };

/**
 * One address may use a quarter of a form's allowance, at least 1,000 a minute (a venue's
 * attendees behind one NAT address all get through) but never more than half (one client can
 * never lock everyone else out of a form).
 */
export function clientShareOf(burstPerMinute: number): number {
  const share = Math.min(Math.max(Math.ceil(burstPerMinute / 4), 1000), Math.floor(burstPerMinute / 2));
  return Math.max(share, 1);
}

/** Innermost first: a submission an address's share refuses costs neither the form nor the instance. */
function submissionLimits(platform: Platform, form: IntakeForm, clientAddress: string): [Limit, string][] {
  const { id, burstPerMinute: burst } = form.row;
  const share = clientShareOf(burst);
  return [
    [{ name: `forms.client.${share}`, points: share, durationSeconds: 60 }, `${id}|${clientAddress}`],
    [{ name: `forms.burst.${burst}`, points: burst, durationSeconds: 60 }, id],
    [
      { name: 'forms.submissions', points: platform.config.formSubmissionsPerMinute, durationSeconds: 60 },
      'all',
    ],
  ];
}

/** Consumes a point of every limit, or of none: the ones taken before a refusal are given back. */
async function consumeAll(platform: Platform, limits: [Limit, string][]): Promise<void> {
  for (const [i, [limit, key]] of limits.entries()) {
    try {
      await platform.limits.consume(limit, key);
    } catch (error) {
      await Promise.all(
        limits.slice(0, i).map(([taken, takenKey]) => platform.limits.refund(taken, takenKey)),
      );
      throw error;
    }
  }
}

/** Client-chosen id first, then one derived from `Idempotency-Key`, else a fresh unguessable one. */
function submissionIdOf(formId: string, chosen: string | undefined, key: string | undefined): string {
  if (chosen) return chosen.toLowerCase();
  if (key === undefined) return unguessableUuidv7();
  if (!KEY_PATTERN.test(key))
    throw invalid('headers.idempotency-key', 'must be 1–200 visible ASCII characters');
  return submissionIdForKey(formId, key);
}

/** Public forms need no lookup; a private event's form only for those who can see the event. */
async function maySubmit(ctx: Ctx, form: IntakeForm): Promise<boolean> {
  if (form.public) return true;
  if (!ctx.actor || !form.row.eventId) return false;
  const access = await loadEventAccess(ctx.platform.db, form.row.eventId, ctx.actor.userId);
  return access !== null && canViewEvent(access);
}

const closed = () => new AppError(ErrorCode.conflict, 'This form is closed and takes no submissions');

/**
 * One micro-batch, one short transaction: lock the form (open? which version?), re-validate what
 * was checked against an older version, insert every new submission in one statement, enqueue
 * their processing jobs in one statement, count them and tell the owner's scope once.
 */
async function runIntakeBatch(
  platform: Platform,
  formId: string,
  items: NewSubmission[],
): Promise<Outcome<SubmissionAccepted>[]> {
  return withTx(platform, async (work) => {
    const form = await repo.findForm(work.tx, formId, { lock: true });
    if (!form) return items.map(() => ({ ok: false, error: notFound('Form') }));
    if (!form.isOpen) return items.map(() => ({ ok: false, error: closed() }));
    const current = items.some((i) => i.version !== form.version)
      ? await repo.findFields(work.tx, formId, form.version)
      : null;
    const checked = items.map((item) =>
      current && item.version !== form.version ? recheck(current, item, form.version) : item,
    );
    const fresh = new Map<string, NewSubmission>();
    for (const c of checked) if (!(c instanceof AppError) && !fresh.has(c.id)) fresh.set(c.id, c);
    const inserted = fresh.size
      ? await insertSubmissions(work.tx, formId, [...fresh.values()])
      : new Set<string>();
    const existing = await findFingerprints(
      work.tx,
      [...fresh.keys()].filter((id) => !inserted.has(id)),
    );
    const outcomes = checked.map((c): Outcome<SubmissionAccepted> => {
      if (c instanceof AppError) return { ok: false, error: c };
      const first = fresh.get(c.id);
      const stored =
        inserted.has(c.id) && first ? { formId, fingerprint: first.fingerprint } : existing.get(c.id);
      return answerFor(c, stored, formId);
    });
    if (inserted.size) {
      const jobs: ProcessSubmission[] = [...inserted].map((submissionId) => ({ submissionId }));
      await platform.jobs.enqueueMany(work.tx, PROCESS_SUBMISSION, jobs);
      const received = await repo.addReceived(work.tx, formId, inserted.size);
      const stats = await repo.findStats(work.tx, formId);
      await work.appendMany([counted(form, { received, ...stats })]);
    }
    return outcomes;
  });
}

/** An answer checked against a version that was replaced meanwhile is checked again. */
function recheck(fields: Parameters<typeof validateAnswers>[0], item: NewSubmission, version: number) {
  try {
    const answers: Answers = validateAnswers(fields, item.answers);
    return { ...item, answers, version, fingerprint: fingerprintOf(answers) };
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/**
 * The same id with the same answers (a retry, a double tap, the same Idempotency-Key) gets the
 * first answer again; an id that already names another submission is a conflict, never revealed.
 */
function answerFor(
  item: NewSubmission,
  stored: { formId: string; fingerprint: string } | undefined,
  formId: string,
): Outcome<SubmissionAccepted> {
  if (!stored) return { ok: false, error: new Error(`submission ${item.id} neither inserted nor found`) };
  if (stored.formId !== formId || stored.fingerprint !== item.fingerprint)
    return {
      ok: false,
      error: new AppError(
        ErrorCode.conflict,
        'This submissionId (or Idempotency-Key) was used for different answers',
      ),
    };
  return { ok: true, value: accepted(item.id) };
}
