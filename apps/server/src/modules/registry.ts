import type { Platform } from '../platform/context.ts';
import type { App } from '../platform/http/server.ts';
import type { JobDefinition } from '../platform/jobs/jobs.ts';
import { identityRoutes } from './identity/index.ts';

export interface Module {
  name: string;
  routes?(app: App, platform: Platform): void;
  // biome-ignore lint/suspicious/noExplicitAny: each module defines jobs of its own payload types
  jobs?(platform: Platform): JobDefinition<any>[];
}

/** Every domain module, in the order their routes are registered. */
export const modules: Module[] = [{ name: 'identity', routes: identityRoutes }];
