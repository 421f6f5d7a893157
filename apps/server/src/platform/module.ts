import type { ChangeReactor } from './changes/reactors.ts';
import type { Platform } from './context.ts';
import type { App } from './http/server.ts';
import type { JobDefinition } from './jobs/jobs.ts';
import type { Gateway } from './realtime/gateway.ts';

/**
 * What a domain module contributes to a node. Lives in platform (not beside the registry) so that
 * modules import it without importing the registry, which imports every module. Lifecycle: the
 * server runs every `start` at boot, every `drain` on shutdown (stop taking new work, flush what
 * was accepted) and every `stop` last. Per-node batchers made with `perNode` drain on their own.
 */
export interface Module {
  name: string;
  routes?(app: App, platform: Platform): void;
  /** Socket events this module answers (e.g. `message.send`). */
  socket?(gateway: Gateway, platform: Platform): void;
  // biome-ignore lint/suspicious/noExplicitAny: each module defines jobs of its own payload types
  jobs?(platform: Platform): JobDefinition<any>[];
  /** Queues fed with other modules' committed changes (points for a check-in); see `defineReactor`. */
  reactors?(platform: Platform): ChangeReactor[];
  start?(platform: Platform): Promise<void> | void;
  drain?(platform: Platform): Promise<void> | void;
  stop?(platform: Platform): Promise<void> | void;
}

type Routes = (app: App, platform: Platform) => void;

/** The `routes` of a module whose routes live in several files: each file's, in the order given. */
export function routesOf(...files: Routes[]): Routes {
  return (app, platform) => {
    for (const register of files) register(app, platform);
  };
}
