import type { Module } from '../../platform/module.ts';
import { queueRoutes } from './queues.routes.ts';

/** Job queue inspection and dead-letter replay for instance admins (HTTP) and operators (CLI). */
export { deadJobsOf, queuesOf, replayOf } from './queues.service.ts';

export const queuesModule: Module = { name: 'queues', routes: queueRoutes };
