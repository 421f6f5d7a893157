import type { Module } from '../../platform/module.ts';
import { badgeRoutes } from './badges.routes.ts';
import { RENDER_BADGES, renderBadgeJob } from './badges.service.ts';

export { badgeJobs } from './badges.tables.ts';

/** Printable PDF badges with each ticket's QR (PRODUCT F7). */
export const badgesModule: Module = {
  name: 'badges',
  routes: badgeRoutes,
  jobs: (platform) => [
    // Rendering thousands of pages is slow, CPU-bound work: one at a time per node, a generous lease.
    {
      name: RENDER_BADGES,
      concurrency: 1,
      maxReceives: 3,
      visibilityTimeoutSeconds: 600,
      handle: (data: { jobId: string }) => renderBadgeJob(platform, data.jobId),
    },
  ],
};
