import { defineConfig } from 'vitest/config';

/**
 * Test tiers (QUALITY.md): `*.test.ts` runs on PGlite; the `postgres` project runs the same files
 * plus `*.pg.test.ts` on a real PostgreSQL (TEST_DATABASE_URL); `*.redis.test.ts` needs TEST_REDIS_URL.
 * `*.e2e.test.ts` start real server processes.
 * `scripts/test.ts` picks the projects whose servers are reachable and fails in CI if one is missing.
 */
const serverTests = 'apps/server/**/*.test.ts';
const tiered = ['**/*.pg.test.ts', '**/*.redis.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'];

export default defineConfig({
  test: {
    // Vitest's default is one worker per core minus one: a single worker on a 2-core CI machine.
    // Most test time is waiting on a database, a socket or a timer, so two workers keep both cores
    // busy (agenda, check-in and tickets on both databases: 111 s with one worker, 85 s with two).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Inline projects inherit the options above only with `extends: true` (else Vitest's 5 s default).
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: [serverTests, 'packages/**/*.test.ts', 'apps/web/src/**/*.test.ts'],
          exclude: tiered,
          env: { MUSTER_TEST_DB: 'pglite' },
          globalSetup: ['apps/server/test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [serverTests, 'apps/server/**/*.pg.test.ts'],
          exclude: [
            '**/*.redis.test.ts',
            '**/*.e2e.test.ts',
            '**/node_modules/**',
            'apps/server/src/platform/db/pglite*.test.ts',
          ],
          env: { MUSTER_TEST_DB: 'postgres' },
          globalSetup: ['apps/server/test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/server/**/*.e2e.test.ts', 'packages/**/*.e2e.test.ts'],
          env: { MUSTER_TEST_DB: 'pglite' },
          globalSetup: ['apps/server/test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'redis',
          include: ['apps/server/**/*.redis.test.ts'],
          env: { MUSTER_TEST_DB: 'postgres' },
          globalSetup: ['apps/server/test/global-setup.ts'],
        },
      },
    ],
  },
});
