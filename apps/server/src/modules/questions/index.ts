import type { Module } from '../../platform/module.ts';
import { questionCounts } from './questions.live.ts';
import { questionRoutes } from './questions.routes.ts';
// Registers the 'question' moderation target (import for its effect).
import './questions.moderation.ts';

export { acceptQuestionText, premoderates } from './questions.input.ts';
export { isPresenter } from './questions.policy.ts';
export { questionForModeration, setQuestionState } from './questions.state.ts';
export { questions, questionUpvotes, sessionQnaSettings } from './questions.tables.ts';

export const questionsModule: Module = {
  name: 'questions',
  routes: questionRoutes,
  drain: (platform) => questionCounts(platform).drain(),
};
