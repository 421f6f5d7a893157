#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './platform/db/lock.ts';
import { createLogger } from './platform/logger.ts';
import { openPlatform } from './platform/runtime.ts';
import { printDemoLogins, seedDemo } from './seed/demo.ts';
import { startServer } from './server.ts';

const usage = `Usage: muster <command>

Commands:
  serve     run the server (roles from MUSTER_ROLES, default api,realtime,worker)
  migrate   apply database migrations and exit
  seed      add the demo community, event and users, print their logins, exit
`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'serve';
  if (command === 'help' || command === '--help') {
    process.stdout.write(usage);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  switch (command) {
    case 'serve': {
      const server = await startServer(config, log, {
        beforeListen: async ({ app }, fresh) => {
          const shouldSeed =
            config.seed === 'always' || (config.seed === 'auto' && fresh && !config.databaseUrl);
          if (shouldSeed) printDemoLogins(await seedDemo(app), config.publicUrl);
        },
      });
      log.info(
        { url: server.url, database: server.platform.database.kind, roles: [...config.roles] },
        'Muster is ready',
      );
      process.stdout.write(`\n  Muster is running at ${config.publicUrl}\n\n`);
      await waitForSignal();
      log.info('draining: finishing in-flight work');
      await server.stop();
      return 0;
    }
    case 'migrate': {
      const opened = await openPlatform(config, log);
      await opened.close();
      process.stdout.write('Database is up to date.\n');
      return 0;
    }
    case 'seed': {
      const server = await startServer(config, log, { listen: false });
      try {
        printDemoLogins(await seedDemo(server.app), config.publicUrl);
      } finally {
        await server.stop();
      }
      return 0;
    }
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${usage}`);
      return 2;
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Muster failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
