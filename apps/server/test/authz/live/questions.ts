import type { LiveRouteSet } from './types.ts';

/** Rows for questions and feedback: filled in with the module. */
export const questionRows: LiveRouteSet<unknown>[] = [];
