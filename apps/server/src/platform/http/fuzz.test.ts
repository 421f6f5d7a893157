import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

/**
 * Fuzzes every operation in the published OpenAPI document with hostile bodies, params and queries
 * built from its own schema: whatever arrives, the answer is never a 5xx and the process survives.
 */
interface Operation {
  method: string;
  path: string;
  bodyKeys: string[];
  queryKeys: string[];
}

const server = useTestServer();
let users: TestUser[];
let operations: Operation[];

beforeAll(async () => {
  users = await Promise.all([1, 2, 3, 4].map(() => registerUser(server)));
  const doc = (await server.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  operations = [];
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const schema = (
        op.requestBody as { content?: Record<string, { schema?: { properties?: object } }> } | undefined
      )?.content?.['application/json']?.schema;
      const parameters = (op.parameters as { in: string; name: string }[] | undefined) ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        bodyKeys: Object.keys(schema?.properties ?? {}),
        queryKeys: parameters.filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
});

const hostileString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    "'; drop table users; --",
    '<script>alert(1)</script>',
    '\u0000',
    '%00',
    '{{7*7}}',
    '🎉'.repeat(40),
  ),
  fc.constant('x'.repeat(70_000)),
  fc.uuid(),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('fuzzing every REST operation', () => {
  it('never answers 5xx', async () => {
    expect(operations.length).toBeGreaterThan(5);
    let request = 0;
    for (const op of operations) {
      const body = op.bodyKeys.length
        ? fc.oneof(
            fc.dictionary(fc.constantFrom(...op.bodyKeys, 'role', 'id', '__proto__'), hostileValue),
            hostileValue,
          )
        : fc.option(hostileValue);
      await fc.assert(
        fc.asyncProperty(
          body,
          fc.dictionary(fc.constantFrom(...op.queryKeys, 'limit', 'cursor'), hostileString, { maxKeys: 3 }),
          fc.oneof(
            fc.uuid(),
            hostileString.filter((s) => s.length > 0 && s.length < 300),
          ),
          fc.boolean(),
          async (payload, query, param, signedIn) => {
            const url = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(param));
            const user = users[request++ % users.length]!;
            const res = await server.app.inject({
              method: op.method as 'GET',
              url,
              query: query as Record<string, string>,
              headers: signedIn ? user.headers : {},
              ...(payload !== null && payload !== undefined && op.method !== 'GET'
                ? { payload: payload as object }
                : {}),
            });
            if (res.statusCode >= 500)
              throw new Error(`${op.method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
          },
        ),
        { numRuns: 25 },
      );
    }
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
