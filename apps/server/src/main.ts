#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.ts';
import { setCommunityVerified } from './modules/communities/index.ts';
import { setInstanceAdmin } from './modules/identity/index.ts';
import { DataDirError } from './platform/data-dir.ts';
import { createLogger } from './platform/logger.ts';
import { openPlatform } from './platform/runtime.ts';
import { queueCommand, runWorker } from './queue-cli.ts';
import { printDemoLogins, seedDemo } from './seed/demo.ts';
import { startServer } from './server.ts';

const usage = `Usage: muster <command>

Commands:
  serve     run the server (roles from MUSTER_ROLES, default api,realtime,worker)
  worker    run only the worker role: process jobs (health and metrics on PORT)
  migrate   apply database migrations and exit
  seed      add the demo community, event and users, print their logins, exit
  admin grant <email>    make an account an administrator of this instance
  admin revoke <email>   take administration away from an account
  admin verify-community <id>     vouch for a community: follow-ups without double opt-in, higher mail cap
  admin unverify-community <id>   take that back
  queue ls               queues with depth, in flight, oldest age and dead letters
  queue dead <name>      the jobs in a queue's dead-letter queue
  queue replay <name> <jobId>   move a dead job back to its queue
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
    case 'worker':
      return runWorker(config, log, waitForSignal);
    case 'queue':
      return queueCommand(argv.slice(1), config, log);
    case 'admin':
      return adminCommand(argv.slice(1), () => openPlatform(config, log));
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${usage}`);
      return 2;
  }
}

/** `muster admin grant|revoke <email>`: names instance administrators besides the first account. */
async function adminCommand(args: string[], open: () => ReturnType<typeof openPlatform>): Promise<number> {
  const [action, email] = args;
  if (action === 'verify-community' || action === 'unverify-community')
    return verifyCommunityCommand(args, open);
  if ((action !== 'grant' && action !== 'revoke') || !email || args.length !== 2) {
    process.stderr.write('Usage: muster admin grant|revoke <email>\n');
    return 2;
  }
  const opened = await open();
  try {
    const user = await setInstanceAdmin(opened.platform, email, action === 'grant');
    if (!user) {
      process.stderr.write(`No account has the e-mail address ${email}\n`);
      return 1;
    }
    const state = user.isAdmin ? 'is now an administrator' : 'is no longer an administrator';
    process.stdout.write(`${user.email} ${state} of this instance.\n`);
    return 0;
  } finally {
    await opened.close();
  }
}

/** `muster admin verify-community|unverify-community <id>`: the operator's side of the admin route. */
async function verifyCommunityCommand(
  args: string[],
  open: () => ReturnType<typeof openPlatform>,
): Promise<number> {
  const [action, id] = args;
  if (!id || args.length !== 2 || !/^[0-9a-f-]{36}$/i.test(id)) {
    process.stderr.write('Usage: muster admin verify-community|unverify-community <community id>\n');
    return 2;
  }
  const opened = await open();
  try {
    const row = await setCommunityVerified(opened.platform, id, action === 'verify-community', null);
    if (!row) {
      process.stderr.write(`No community has the id ${id}\n`);
      return 1;
    }
    process.stdout.write(
      `${row.name} (${row.id}) is ${row.verifiedAt ? 'now verified' : 'no longer verified'}.\n`,
    );
    return 0;
  } finally {
    await opened.close();
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
    if (error instanceof ConfigError || error instanceof DataDirError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Muster failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
