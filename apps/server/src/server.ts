import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { defineModuleJobs, modules } from './modules/registry.ts';
import { socketAccess } from './modules/sync/index.ts';
import { markBoot } from './platform/boot-timings.ts';
import type { Platform } from './platform/context.ts';
import { registerHealth } from './platform/health.ts';
import { purgeIdempotencyKeys } from './platform/http/idempotency.ts';
import { type App, createHttpServer } from './platform/http/server.ts';
import { registerWebApp } from './platform/http/web-app.ts';
import { registerQueueMetrics } from './platform/jobs/queue-metrics.ts';
import { drainNode } from './platform/node-state.ts';
import { createGateway, type Gateway } from './platform/realtime/gateway.ts';
import { type OpenOptions, openPlatform } from './platform/runtime.ts';

export interface RunningServer {
  app: App;
  /** The Socket.IO gateway when this node has the `realtime` role. */
  gateway: Gateway | undefined;
  platform: Platform;
  freshDatabase: boolean;
  /** Bound address, e.g. `http://127.0.0.1:3000`; empty when `listen` was false. */
  url: string;
  /** Graceful stop: refuse new work, finish in-flight requests and jobs, then close everything. */
  stop(): Promise<void>;
  /**
   * The route schemas compiled in the background after the start (lazy-schemas.ts): how many, and
   * those that do not compile (logged as errors too).
   */
  schemas: Promise<{ compiled: number; failed: { error: Error }[] }>;
  /** The step `stop` is in (or `stopped`), to name what a stop that hangs is waiting for. */
  stopPhase(): string;
}

export interface StartOptions extends OpenOptions {
  headsIntervalMs?: number;
  /** Tests use `app.inject` and skip the socket. */
  listen?: boolean;
  /**
   * Runs once routes are ready and before the port opens (first-run seeding goes through
   * `app.inject`); what it answers is noted in the start's timings.
   */
  beforeListen?: (
    server: { app: App; platform: Platform },
    freshDatabase: boolean,
  ) => Promise<string | undefined>;
}

/** How long a stop lets open HTTP connections finish before cutting them. */
const HTTP_CLOSE_GRACE_MS = 10_000;

/** Builds one Muster node with the roles in `config.roles`. */
export async function startServer(
  config: Config,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const opened = await openPlatform(config, log, options);
  const { platform } = opened;
  let draining = false;
  let phase = 'running';
  let app: App | undefined;
  try {
    defineModuleJobs(platform.jobs, platform);
    await platform.jobs.provision();
    registerQueueMetrics(platform);
    markBoot('job queues');

    app = await createHttpServer(platform);
    registerHealth(app, platform, () => draining);
    if (config.roles.has('api')) for (const module of modules) module.routes?.(app, platform);
    if (config.roles.has('api')) await registerWebApp(app, config.webDir);
    markBoot('routes');
    await app.ready();
    markBoot('HTTP server ready');
    const gateway = config.roles.has('realtime')
      ? await createGateway(app.server, platform, socketAccess(platform), {
          headsIntervalMs: options.headsIntervalMs,
        })
      : undefined;
    if (gateway) for (const module of modules) module.socket?.(gateway, platform);
    if (gateway) markBoot('socket gateway');
    for (const module of modules) await module.start?.(platform);
    markBoot('modules started');
    const firstRun = await options.beforeListen?.({ app, platform }, opened.freshDatabase);
    if (options.beforeListen) markBoot('first-run check', firstRun ?? '');

    if (config.roles.has('worker')) await platform.jobs.startWorkers();
    platform.publisher.startRelay(2000);
    markBoot('job workers, relay');
    const purge = setInterval(() => {
      purgeIdempotencyKeys(platform.db).catch((error: unknown) =>
        platform.log.warn({ err: error }, 'idempotency purge failed'),
      );
    }, 3_600_000);
    purge.unref();
    const url = options.listen === false ? '' : await app.listen({ port: config.port, host: config.host });
    markBoot('listening');
    const schemas = app
      .warmUpSchemas(() => draining)
      .then((outcome) => {
        for (const { error } of outcome.failed)
          platform.log.error({ err: error }, 'a route schema does not compile');
        return outcome;
      });
    const running = app;
    return {
      app: running,
      gateway,
      platform,
      freshDatabase: opened.freshDatabase,
      url,
      schemas,
      stopPhase: () => phase,
      async stop() {
        draining = true;
        clearInterval(purge);
        await schemas;
        phase = 'draining sockets';
        await gateway?.drain();
        phase = 'closing HTTP';
        // In-flight requests finish; a connection still open after the grace (a client that keeps
        // one busy) is cut, so that a stop always ends.
        const cut = setTimeout(() => running.server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
        await running.close();
        clearTimeout(cut);
        // Requests have all been answered; refuse (503) whatever else reaches a batcher and flush it.
        phase = 'draining batchers and modules';
        await Promise.all([drainNode(platform), ...modules.map((module) => module.drain?.(platform))]);
        phase = 'closing the gateway';
        await gateway?.close();
        phase = 'stopping job workers';
        await platform.jobs.stopWorkers();
        for (const module of modules) {
          phase = `stopping module ${module.name}`;
          await module.stop?.(platform);
        }
        phase = 'closing the platform';
        await opened.close();
        phase = 'stopped';
      },
    };
  } catch (error) {
    await app?.close().catch(() => {});
    await opened.close();
    throw error;
  }
}
