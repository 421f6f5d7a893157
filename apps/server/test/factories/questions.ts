import type { Question, QuestionList } from '@muster/protocol';
import type { TestUser } from '../factories.ts';
import type { TestServer } from '../harness.ts';
import { call } from './events.ts';

/** Q&A test data, through the public API. */
export function askQuestion(
  server: TestServer,
  user: TestUser,
  sessionId: string,
  body: { body: string; anonymous?: boolean },
): Promise<Question> {
  return call<Question>(server, 'POST', `/api/v1/sessions/${sessionId}/questions`, user, body);
}

export async function listQuestions(
  server: TestServer,
  user: TestUser,
  sessionId: string,
  sort: 'top' | 'new' = 'top',
): Promise<Question[]> {
  return (
    await call<QuestionList>(server, 'GET', `/api/v1/sessions/${sessionId}/questions?sort=${sort}`, user)
  ).items;
}

export function moderateQuestion(
  server: TestServer,
  user: TestUser,
  questionId: string,
  state: 'visible' | 'hidden' | 'answered' | 'pinned' | 'unpinned',
): Promise<Question> {
  return call<Question>(server, 'PATCH', `/api/v1/questions/${questionId}`, user, { state });
}
