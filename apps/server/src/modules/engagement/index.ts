import type { Module } from '../../platform/module.ts';
import { boardIndexReactor } from './engagement.board-index.ts';
import { challengeReactor } from './engagement.challenges.ts';
import { engagementReactor } from './engagement.reactor.ts';
import { engagementRoutes } from './engagement.routes.ts';

export { pointScores, pointsLedger, teamMembers, teams } from './engagement.tables.ts';

/**
 * Engagement (PRODUCT I1, I3): points from what people do at an event, scored by a reactor to the
 * other modules' committed changes (never inside their code), and boards that put teams first.
 */
export const engagementModule: Module = {
  name: 'engagement',
  routes: engagementRoutes,
  // The Redis boards' index only where there is a Redis (platform.redis is set from REDIS_URL).
  reactors: (platform) => [
    engagementReactor(platform),
    challengeReactor(platform),
    ...(platform.redis ? [boardIndexReactor(platform)] : []),
  ],
};
