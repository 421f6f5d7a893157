import type { QuestionSort, QuestionState } from '@muster/protocol';
import { and, asc, count, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { users } from '../identity/identity.tables.ts';
import { questions, questionUpvotes, sessionQnaSettings } from './questions.tables.ts';

export type QuestionRow = typeof questions.$inferSelect;
export type QuestionWithAsker = QuestionRow & { askerName: string; upvotedByMe: boolean };

/** The states the audience sees; everything else is the presenters' and moderators' only. */
export const PUBLIC_STATES: readonly QuestionState[] = ['visible', 'answered'];

export async function findQuestion(
  q: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<QuestionRow | undefined> {
  const query = q.select().from(questions).where(eq(questions.id, id));
  const [row] = options.forUpdate ? await query.for('no key update') : await query;
  return row;
}

export async function insertQuestion(q: Queryable, row: typeof questions.$inferInsert): Promise<QuestionRow> {
  const [inserted] = await q.insert(questions).values(row).returning();
  return inserted!;
}

export async function countSessionQuestions(q: Queryable, sessionId: string): Promise<number> {
  const [row] = await q.select({ n: count() }).from(questions).where(eq(questions.sessionId, sessionId));
  return Number(row?.n ?? 0);
}

/**
 * Pinned first, answered after the open ones (the app folds them), then by votes or by age. With
 * `ownPending`, the viewer's own pending questions come along (so the asker sees "awaiting
 * moderation" after a reload); nobody else's.
 */
export async function listQuestions(
  q: Queryable,
  sessionId: string,
  viewerId: string,
  options: { states: readonly QuestionState[]; sort: QuestionSort; ownPending?: boolean },
): Promise<QuestionWithAsker[]> {
  const visible = inArray(questions.state, [...options.states]);
  const order =
    options.sort === 'top'
      ? [desc(questions.upvotes), asc(questions.createdAt), asc(questions.id)]
      : [desc(questions.createdAt), desc(questions.id)];
  return q
    .select({ ...questionColumns, ...withAsker(viewerId) })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.askerId))
    .where(
      and(
        eq(questions.sessionId, sessionId),
        options.ownPending
          ? or(visible, and(eq(questions.state, 'pending'), eq(questions.askerId, viewerId)))
          : visible,
      ),
    )
    .orderBy(
      desc(questions.pinned),
      sql`case when ${questions.state} = 'answered' then 1 else 0 end`,
      ...order,
    );
}

/** One question with its asker's name and whether `viewerId` upvoted it (null: nobody asks). */
export async function questionWithAsker(
  q: Queryable,
  id: string,
  viewerId: string | null,
): Promise<QuestionWithAsker | undefined> {
  const [row] = await q
    .select({ ...questionColumns, ...withAsker(viewerId) })
    .from(questions)
    .innerJoin(users, eq(users.id, questions.askerId))
    .where(eq(questions.id, id));
  return row;
}

const questionColumns = {
  id: questions.id,
  eventId: questions.eventId,
  sessionId: questions.sessionId,
  askerId: questions.askerId,
  body: questions.body,
  anonymous: questions.anonymous,
  state: questions.state,
  pinned: questions.pinned,
  upvotes: questions.upvotes,
  createdAt: questions.createdAt,
  answeredAt: questions.answeredAt,
  updatedAt: questions.updatedAt,
};

function withAsker(viewerId: string | null) {
  return {
    askerName: users.name,
    upvotedByMe: viewerId
      ? sql<boolean>`exists (select 1 from ${questionUpvotes} where ${questionUpvotes.questionId} = ${questions.id} and ${questionUpvotes.userId} = ${viewerId})`
      : sql<boolean>`false`,
  };
}

export async function updateQuestion(
  q: Queryable,
  id: string,
  set: Partial<Pick<QuestionRow, 'state' | 'pinned' | 'answeredAt'>>,
): Promise<QuestionRow> {
  const [row] = await q
    .update(questions)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(questions.id, id))
    .returning();
  return row!;
}

/**
 * Adds or removes one upvote and moves the counter in the same statement pair, only when a row
 * really was inserted or deleted: a repeat changes nothing, and concurrent upvotes never lose one.
 * Answers the new count, or null when nothing changed.
 */
export async function setUpvote(
  q: Queryable,
  questionId: string,
  userId: string,
  upvoted: boolean,
): Promise<number | null> {
  const changed = upvoted
    ? await q
        .insert(questionUpvotes)
        .values({ questionId, userId })
        .onConflictDoNothing()
        .returning({ id: questionUpvotes.questionId })
    : await q
        .delete(questionUpvotes)
        .where(and(eq(questionUpvotes.questionId, questionId), eq(questionUpvotes.userId, userId)))
        .returning({ id: questionUpvotes.questionId });
  if (!changed.length) return null;
  const [row] = await q
    .update(questions)
    .set({ upvotes: sql`${questions.upvotes} + ${upvoted ? 1 : -1}` })
    .where(eq(questions.id, questionId))
    .returning({ upvotes: questions.upvotes });
  return row!.upvotes;
}

export async function hasUpvoted(q: Queryable, questionId: string, userId: string): Promise<boolean> {
  const [row] = await q
    .select({ id: questionUpvotes.questionId })
    .from(questionUpvotes)
    .where(and(eq(questionUpvotes.questionId, questionId), eq(questionUpvotes.userId, userId)));
  return !!row;
}

export async function findQnaSettings(q: Queryable, sessionId: string): Promise<boolean | null> {
  const [row] = await q
    .select({ premoderation: sessionQnaSettings.premoderation })
    .from(sessionQnaSettings)
    .where(eq(sessionQnaSettings.sessionId, sessionId));
  return row?.premoderation ?? null;
}

export async function saveQnaSettings(q: Queryable, sessionId: string, premoderation: boolean | null) {
  await q
    .insert(sessionQnaSettings)
    .values({ sessionId, premoderation })
    .onConflictDoUpdate({ target: sessionQnaSettings.sessionId, set: { premoderation } });
}
