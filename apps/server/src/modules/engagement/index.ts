import type { Module } from '../../platform/module.ts';
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
  reactors: (platform) => [engagementReactor(platform), challengeReactor(platform)],
};
