#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './config.ts';
import { setCommunityVerified } from './modules/communities/index.ts';
import {
  PASSWORD_MAX,
  PASSWORD_MIN,
  setInstanceAdmin,
  setPasswordByEmail,
} from './modules/identity/index.ts';
import { bootSteps, formatBootSteps, markBoot } from './platform/boot-timings.ts';
import { DataDirError } from './platform/data-dir.ts';
import { assertPortFree, PortInUseError } from './platform/http/port-check.ts';
import { createLogger } from './platform/logger.ts';
import { embeddedDatabaseExists, openPlatform } from './platform/runtime.ts';
import { queueCommand, runWorker } from './queue-cli.ts';
import { DemoExistsError, printDemoExists, printDemoLogins, seedDemo } from './seed/demo.ts';
import { startServer } from './server.ts';

const usage = `Usage: muster <command>

Commands:
  serve [--timings]
            run the server (roles from MUSTER_ROLES, default api,realtime,worker);
            --timings prints how long each step of the start took
  worker    run only the worker role: process jobs (health and metrics on PORT)
  migrate   apply database migrations and exit
  seed      add the demo community, event and users, print their logins, exit
  admin grant <email>    make an account an administrator of this instance
  admin revoke <email>   take administration away from an account
  admin set-password <email> [--password <pw> | --password -]
                         set an account's password and sign it out everywhere; without
                         --password one is generated and printed (- reads it from stdin)
  admin verify-community <id>     vouch for a community: follow-ups without double opt-in, higher mail cap
  admin unverify-community <id>   take that back
  queue ls               queues with depth, in flight, oldest age and dead letters
  queue dead <name>      the jobs in a queue's dead-letter queue
  queue replay <name> <jobId>   move a dead job back to its queue
`;

async function main(argv: string[]): Promise<number> {
  markBoot('start Node, load the server code');
  const command = argv[0] ?? 'serve';
  if (command === 'help' || command === '--help') {
    process.stdout.write(usage);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  switch (command) {
    case 'serve': {
      // Before migrations and the demo seed, so a busy port is said at once with its fix.
      await assertPortFree(config.port, config.host);
      // The first start takes ~10 s more (a new database, the demo): say why the wait.
      if (!config.databaseUrl && !embeddedDatabaseExists(config.dataDir))
        process.stdout.write(`Creating the database in ${config.dataDir} (first start)…\n`);
      const server = await startServer(config, log, {
        beforeListen: async ({ app }, fresh) => {
          const shouldSeed =
            config.seed === 'always' || (config.seed === 'auto' && fresh && !config.databaseUrl);
          if (!shouldSeed) return fresh ? 'new database, not seeded' : 'existing database';
          try {
            printDemoLogins(await seedDemo(app), config.publicUrl);
            return 'demo seeded';
          } catch (error) {
            if (!(error instanceof DemoExistsError)) throw error;
            printDemoExists(config.publicUrl);
            return 'demo already there';
          }
        },
      });
      log.info(
        { url: server.url, database: server.platform.database.kind, roles: [...config.roles] },
        'Muster is ready',
      );
      log.debug({ boot: bootSteps() }, 'boot steps');
      if (argv.includes('--timings')) process.stdout.write(`\nStart-up:\n${formatBootSteps()}\n`);
      process.stdout.write(`\n  Muster is running at ${config.publicUrl} — Ctrl+C stops it.\n\n`);
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
      } catch (error) {
        if (!(error instanceof DemoExistsError)) throw error;
        printDemoExists(config.publicUrl);
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
  if (action === 'set-password') return setPasswordCommand(args.slice(1), open);
  if ((action !== 'grant' && action !== 'revoke') || !email || args.length !== 2) {
    process.stderr.write('Usage: muster admin grant|revoke|set-password <email>\n');
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

/** `muster admin set-password <email> [--password <pw> | -]`: the way back in without mail. */
async function setPasswordCommand(
  args: string[],
  open: () => ReturnType<typeof openPlatform>,
): Promise<number> {
  const usageLine = 'Usage: muster admin set-password <email> [--password <password> | --password -]\n';
  const [email, flag, value, ...rest] = args;
  const flagOk = flag === undefined || (flag === '--password' && value !== undefined);
  if (!email || email.startsWith('-') || !flagOk || rest.length || email.length > 320) {
    process.stderr.write(usageLine);
    return 2;
  }
  let password: string;
  let generated = false;
  if (value === '-') password = (await readStdin(4096)).replace(/\r?\n$/, '');
  else if (value !== undefined) password = value;
  else {
    password = randomBytes(12).toString('base64url');
    generated = true;
  }
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    process.stderr.write(`A password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.\n`);
    return 2;
  }
  const opened = await open();
  try {
    const user = await setPasswordByEmail(opened.platform, email, password);
    if (!user) {
      process.stderr.write(`No account has the e-mail address ${email}\n`);
      return 1;
    }
    process.stdout.write(
      `The password of ${user.email} is set; every device it was signed in on is signed out.\n`,
    );
    if (generated) process.stdout.write(`New password: ${password}\n`);
    return 0;
  } finally {
    await opened.close();
  }
}

/** Reads stdin up to `max` bytes (a password piped in, kept out of the process list). */
async function readStdin(max: number): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.length > max) break;
  }
  return text.slice(0, max + 1);
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
    if (error instanceof ConfigError || error instanceof DataDirError || error instanceof PortInUseError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Muster failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
