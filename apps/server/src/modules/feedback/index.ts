import type { Module } from '../../platform/module.ts';
import { feedbackRoutes } from './feedback.routes.ts';

export { sessionFeedback } from './feedback.tables.ts';

export const feedbackModule: Module = { name: 'feedback', routes: feedbackRoutes };
