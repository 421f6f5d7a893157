/**
 * `npm test`: runs every test tier whose server is reachable, in one Vitest run, then prints
 * `tests: N passed, M failed` and one line per tier. Under CI (CI=true or MUSTER_REQUIRE_ALL_TIERS=1)
 * a tier that has tests but could not run fails the run, so a missing server never passes silently.
 * Extra arguments are handed to Vitest (`npm test -- identity` runs the matching files).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vitestConfig from '../vitest.config.ts';
import { probePostgres, probeRedis } from './probes.ts';
import { type BrowserTier, runBrowserTier } from './test-browser.ts';

const root = path.resolve(import.meta.dirname, '..');
const tmp = path.join(root, '.tmp');
const vitestBin = fs.realpathSync(path.join(root, 'node_modules/.bin/vitest'));
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

type Probe = { ok: true; url: string } | { ok: false; why: string };
interface Tier {
  project: string;
  needs: string;
  available: Probe;
  files: number;
}

/** Uses the variable when set (and says so if it does not answer); otherwise tries the local default. */
async function detect(
  name: string,
  fallback: string,
  probe: (url: string) => Promise<string | undefined>,
): Promise<Probe> {
  const set = process.env[name];
  const url = set || fallback;
  const failure = await probe(url);
  if (!failure) return { ok: true, url };
  const redacted = url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
  return {
    ok: false,
    why: set
      ? `${name}=${redacted} does not answer (${failure})`
      : `${name} is unset and ${redacted} does not answer (${failure})`,
  };
}

/** What each Vitest project needs besides Node; a project not named here (pglite, e2e) needs nothing. */
const NEEDS: Record<string, ('PostgreSQL' | 'Redis')[]> = {
  postgres: ['PostgreSQL'],
  redis: ['PostgreSQL', 'Redis'],
};

/** Every project in vitest.config.ts, so a tier added there is run (and reported) without a change here. */
function configuredProjects(): string[] {
  return (vitestConfig.test?.projects ?? []).flatMap((project) => {
    if (typeof project !== 'object' || !('test' in project)) return [];
    const name = project.test?.name;
    return typeof name === 'string' ? [name] : name ? [name.label] : [];
  });
}

/** Which projects have files, straight from vitest.config.ts (no second copy of its globs here). */
async function filesPerProject(filters: string[]): Promise<Map<string, number>> {
  const out = path.join(tmp, 'vitest-files.json');
  fs.rmSync(out, { force: true });
  const code = await run([vitestBin, 'list', '--filesOnly', `--json=${out}`, ...filters], 'ignore');
  if (code !== 0 || !fs.existsSync(out)) throw new Error(`vitest list failed (exit ${code})`);
  const counts = new Map<string, number>();
  for (const { projectName } of JSON.parse(fs.readFileSync(out, 'utf8')) as { projectName: string }[])
    counts.set(projectName, (counts.get(projectName) ?? 0) + 1);
  return counts;
}

function run(args: string[], stdio: 'inherit' | 'ignore', env = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio, env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: {
    name: string;
    status: string;
    message: string;
    assertionResults: { status: string; fullName: string; failureMessages?: string[] }[];
  }[];
}

/**
 * The first line of a failure. Vitest reports a timed-out test or hook with the stack of the
 * placeholder error it made when the test was declared ("Error: STACK_TRACE_ERROR"), so say what it is.
 */
function firstLine(failure: string): string {
  const line = failure.split('\n')[0] ?? '';
  const why = line.includes('STACK_TRACE_ERROR') ? 'timed out (the test or one of its hooks)' : line;
  return why.slice(0, 200);
}

/**
 * One line per failed test (file, name, first line of the failure), printed last: CI keeps only
 * the tail of a long run's output, and a flaky test must be nameable from it.
 */
function failedTestLines(result: VitestJson | undefined): string[] {
  return (result?.testResults ?? []).flatMap((file) =>
    file.assertionResults
      .filter((test) => test.status === 'failed')
      .map((test) => {
        const why = firstLine(test.failureMessages?.[0] ?? '');
        return `  ${path.relative(root, file.name)} › ${test.fullName}: ${why}`;
      }),
  );
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const strict = process.env.CI === 'true' || process.env.MUSTER_REQUIRE_ALL_TIERS === '1';
  fs.mkdirSync(tmp, { recursive: true });

  const [database, redis, files] = await Promise.all([
    detect('TEST_DATABASE_URL', DEFAULT_DATABASE_URL, probePostgres),
    detect('TEST_REDIS_URL', DEFAULT_REDIS_URL, probeRedis),
    filesPerProject(filters),
  ]);
  const servers = { PostgreSQL: database, Redis: redis };
  const tiers: Tier[] = configuredProjects().map((project) => {
    const needs = NEEDS[project] ?? [];
    const missing = needs.map((server) => servers[server]).find((probe) => !probe.ok);
    return {
      project,
      needs: needs.join(' and ') || 'nothing',
      available: missing ?? { ok: true, url: '' },
      files: files.get(project) ?? 0,
    };
  });
  const runnable = tiers.filter((t) => t.available.ok && t.files > 0);

  const env = { ...process.env };
  if (database.ok) env.TEST_DATABASE_URL = database.url;
  if (redis.ok) env.TEST_REDIS_URL = redis.url;

  const report = path.join(tmp, 'vitest.json');
  fs.rmSync(report, { force: true });
  let exitCode = 0;
  let result: VitestJson | undefined;
  if (runnable.length > 0) {
    const projects = runnable.flatMap((t) => ['--project', t.project]);
    const args = ['run', ...projects, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
    exitCode = await run([vitestBin, ...args, ...filters], 'inherit', env);
    if (fs.existsSync(report)) result = JSON.parse(fs.readFileSync(report, 'utf8')) as VitestJson;
  }

  // The browser tier (Playwright) after Vitest; a run filtered to some files is a Vitest run only.
  const browser: BrowserTier | null = filters.length ? null : await runBrowserTier();

  const passed = (result?.numPassedTests ?? 0) + (browser?.passed ?? 0);
  const failed = (result?.numFailedTests ?? 0) + (browser?.failed ?? 0);
  const problems: string[] = [];
  if (browser && browser.exitCode !== 0 && browser.failed === 0)
    problems.push(`Playwright exited with ${browser.exitCode}`);
  if (runnable.length > 0 && !result) problems.push(`Vitest wrote no report (exit ${exitCode})`);
  if (failed > 0) problems.push(`${failed} test(s) failed`);
  // A file whose setup or import fails has no failed test, only a message; its tests show as skipped.
  const broken = (result?.testResults ?? []).filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  );
  if (broken.length > 0) problems.push(`${broken.length} file(s) failed outside any test (setup or import)`);
  const brokenLines = broken
    .slice(0, 5)
    .map((file) => `  ${path.relative(root, file.name)}: ${file.message.split('\n')[0]?.slice(0, 160)}`);
  if (passed + failed === 0) problems.push('no tests ran');
  if (exitCode !== 0 && problems.length === 0) problems.push(`Vitest exited with ${exitCode}`);

  console.log('');
  console.log(`tests: ${passed} passed, ${failed} failed`);
  for (const tier of tiers) {
    if (tier.files === 0) console.log(`  ${tier.project}: no test files`);
    else if (tier.available.ok)
      console.log(`  ${tier.project}: ran (${tier.files} file${tier.files === 1 ? '' : 's'})`);
    else {
      console.log(`  ${tier.project}: skipped: needs ${tier.needs}; ${tier.available.why}`);
      if (strict) problems.push(`tier ${tier.project} could not run: ${tier.available.why}`);
    }
  }
  if (!browser) console.log('  browser: not run (filtered run)');
  else if (browser.specs === 0) console.log('  browser: no spec files');
  else if (!browser.missing)
    console.log(`  browser: ran (${browser.specs} spec file${browser.specs === 1 ? '' : 's'})`);
  else {
    console.log(`  browser: skipped: needs Chromium; ${browser.missing}`);
    if (strict) problems.push(`tier browser could not run: ${browser.missing}`);
  }
  const skippedTodo = (result?.numPendingTests ?? 0) + (result?.numTodoTests ?? 0);
  if (skippedTodo > 0) console.log(`  (${skippedTodo} test(s) skipped or todo inside files)`);
  for (const problem of problems) console.error(`FAIL: ${problem}`);
  for (const line of brokenLines) console.error(line);
  for (const line of failedTestLines(result).slice(0, 20)) console.error(line);
  if (strict && problems.some((p) => p.startsWith('tier ')))
    console.error('(CI=true or MUSTER_REQUIRE_ALL_TIERS=1: every tier with tests must run)');
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`npm test failed: ${(error as Error).stack ?? String(error)}`);
  return 1;
});
