import type { LiveRouteSet } from './types.ts';

/** Rows for moderation: filled in with the module. */
export const moderationRows: LiveRouteSet<unknown>[] = [];
