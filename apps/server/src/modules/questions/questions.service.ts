import type {
  AskBody,
  Question,
  QuestionList,
  QuestionListQuery,
  SessionQnaSettings,
} from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { isEventStaff } from '../events/index.ts';
import { queueForModeration } from '../moderation/index.ts';
import { requireLiveSession } from './questions.access.ts';
import { acceptQuestionText, premoderates } from './questions.input.ts';
import { recordQuestion } from './questions.live.ts';
import { presentQuestion } from './questions.presenter.ts';
import * as repo from './questions.repository.ts';

/** Questions one person may ask per minute, across sessions. */
export const ASK_LIMIT = { name: 'questions.ask', points: 5, durationSeconds: 60 };
/** Questions a session holds at most: the list is read whole, so it must stay small. */
export const MAX_QUESTIONS_PER_SESSION = 1000;
const SETTINGS_LIMIT = { name: 'questions.settings', points: 30, durationSeconds: 60 };

/**
 * `POST /sessions/:id/questions`: `pending` when the session pre-moderates or a moderation filter
 * holds it (queued for the event's moderators either way; the audience learns nothing of it until
 * a moderator approves), else `visible` and on the session scope at once.
 * The cap is checked without a session lock, so racing askers may pass it by a few.
 */
export async function ask(ctx: AuthedCtx, sessionId: string, input: AskBody): Promise<Question> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(ASK_LIMIT, me);
  return withTx(ctx.platform, async (work) => {
    const { session, access } = await requireLiveSession(work.tx, sessionId, me);
    if (session.cancelledAt) throw new AppError(ErrorCode.conflict, 'This session was cancelled');
    const id = uuidv7();
    const { body, held } = await acceptQuestionText(
      work,
      { eventId: session.eventId, userId: me, targetId: id, isStaff: isEventStaff(access) },
      input.body,
    );
    if ((await repo.countSessionQuestions(work.tx, session.id)) >= MAX_QUESTIONS_PER_SESSION)
      throw new AppError(
        ErrorCode.limit_reached,
        `This session has reached its limit of ${MAX_QUESTIONS_PER_SESSION} questions`,
      );
    const premoderated = !held && (await premoderates(work.tx, session));
    const state = held || premoderated ? 'pending' : 'visible';
    const inserted = await repo.insertQuestion(work.tx, {
      id,
      eventId: session.eventId,
      sessionId: session.id,
      askerId: me,
      body,
      anonymous: input.anonymous ?? false,
      state,
    });
    const row = (await repo.questionWithAsker(work.tx, inserted.id, me))!;
    await recordQuestion(work, row, false);
    // Held questions reach the moderators live (the item on `moderation:<eventId>`), same transaction.
    if (state === 'pending')
      await queueForModeration(work, {
        eventId: session.eventId,
        targetType: 'question',
        targetId: id,
        reason: held ? 'filtered' : 'premoderation',
        excerpt: body,
        authorId: me,
        flags: held ?? [],
      });
    // The asker sees their own name: anonymity is towards the audience, not towards oneself.
    return presentQuestion(row, 'presenter', { withMine: true });
  });
}

/**
 * `GET /sessions/:id/questions`: the audience reads visible and answered questions with anonymous
 * askers hidden, plus their own pending ones; presenters also read pending and hidden ones and always see the asker.
 */
export async function listQuestions(
  ctx: AuthedCtx,
  sessionId: string,
  query: QuestionListQuery,
): Promise<QuestionList> {
  const me = ctx.actor.userId;
  const { session, presenter } = await requireLiveSession(ctx.platform.db, sessionId, me);
  const rows = await repo.listQuestions(ctx.platform.db, session.id, me, {
    states: presenter ? ['pending', 'visible', 'answered', 'hidden'] : repo.PUBLIC_STATES,
    sort: query.sort ?? 'top',
    ownPending: !presenter,
  });
  const view = presenter ? 'presenter' : 'audience';
  return { items: rows.map((row) => presentQuestion(row, view, { withMine: true })) };
}

async function requirePresenter(ctx: AuthedCtx, sessionId: string) {
  const found = await requireLiveSession(ctx.platform.db, sessionId, ctx.actor.userId);
  if (!found.presenter)
    throw new AppError(ErrorCode.forbidden, 'Only the speakers of this session and event staff may do this');
  return found.session;
}

export async function getQnaSettings(ctx: AuthedCtx, sessionId: string): Promise<SessionQnaSettings> {
  const session = await requirePresenter(ctx, sessionId);
  return { premoderation: await repo.findQnaSettings(ctx.platform.db, session.id) };
}

/** Changing the setting affects new questions only; pending ones stay pending until moderated. */
export async function putQnaSettings(
  ctx: AuthedCtx,
  sessionId: string,
  input: SessionQnaSettings,
): Promise<SessionQnaSettings> {
  await ctx.platform.limits.consume(SETTINGS_LIMIT, ctx.actor.userId);
  const session = await requirePresenter(ctx, sessionId);
  await repo.saveQnaSettings(ctx.platform.db, session.id, input.premoderation);
  return { premoderation: input.premoderation };
}
