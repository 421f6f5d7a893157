import type { LiveRouteSet } from './types.ts';

/** Rows for the polls module: filled in with the module. */
export const pollRows: LiveRouteSet<unknown>[] = [];
