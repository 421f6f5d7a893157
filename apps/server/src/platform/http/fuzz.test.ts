import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildCommunity, buildEvent } from '../../../test/factories/events.ts';
import { buildForm, leadAnswers } from '../../../test/factories/forms.ts';
import { buildChannel } from '../../../test/factories/messaging.ts';
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

/**
 * Values that broke or may break a write deep inside (issue 11): unpaired UTF-16 surrogates, NUL,
 * bidi overrides and zero-width characters, numbers at and past the edge of a double.
 */
const hostileTexts = [
  '\ud800',
  'high \udbff alone',
  '\udc00 low first',
  '\udfff\ud800',
  'nul \u0000 inside',
  'evil\u202egnp.exe',
  '\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069',
  'adm\u200bin',
  'zero\u200c\u200d\u2060\ufeffwidth',
];
/** Raw JSON text for what `JSON.stringify` cannot write: numbers past a double, 10,000-deep nesting. */
const DEEP = 10_000;
const rawValues: Record<string, string> = {
  '\u0001huge': '1e999',
  '\u0001negHuge': '-1e999',
  '\u0001deep': `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`,
  '\u0001deepArray': `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`,
  '\u0001proto': '{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"x":1}}}',
};
const hostileCorpus: unknown[] = [
  ...hostileTexts,
  1e308,
  -1e308,
  2 ** 64,
  -(2 ** 64),
  -0,
  Number.MAX_SAFE_INTEGER + 2,
  5e-324,
  ...Object.keys(rawValues),
];
/** A JSON body in which each raw marker string is replaced by its raw JSON text. */
function rawJson(value: unknown): string {
  let text = JSON.stringify(value);
  for (const [marker, raw] of Object.entries(rawValues)) text = text.replaceAll(JSON.stringify(marker), raw);
  return text;
}

/**
 * Percent-encodes text for a URL as an attacker could: an unpaired surrogate, which
 * `encodeURIComponent` refuses, goes out as its three raw (invalid UTF-8) bytes.
 */
function urlText(text: string): string {
  return text.replace(/[\ud800-\udfff]|[^\ud800-\udfff]+/gu, (part) => {
    if (part.isWellFormed()) return encodeURIComponent(part);
    const c = part.charCodeAt(0);
    const bytes = [0xed, 0xa0 | ((c >> 6) & 0x1f), 0x80 | (c & 0x3f)];
    return bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
}

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
    ...hostileTexts,
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
  fc.constantFrom(...hostileCorpus),
);

describe('fuzzing every REST operation', () => {
  it('never answers 5xx', async () => {
    expect(operations.length).toBeGreaterThan(5);
    let request = 0;
    for (const op of operations) {
      const body = op.bodyKeys.length
        ? fc.oneof(
            fc.dictionary(
              fc.constantFrom(...op.bodyKeys, 'role', 'id', '__proto__', 'constructor', ...hostileTexts),
              hostileValue,
            ),
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
            const search = Object.entries(query as Record<string, string>)
              .map(([k, v]) => `${urlText(k)}=${urlText(v)}`)
              .join('&');
            const url = `${op.path.replace(/\{[^}]+\}/g, urlText(param))}${search ? `?${search}` : ''}`;
            const user = users[request++ % users.length]!;
            const res = await server.app.inject({
              method: op.method as 'GET',
              url,
              headers: signedIn ? user.headers : {},
              ...(payload !== null && payload !== undefined && op.method !== 'GET'
                ? {
                    payload: rawJson(payload),
                    headers: { ...(signedIn ? user.headers : {}), 'content-type': 'application/json' },
                  }
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

describe('the hostile corpus against every public write', () => {
  /** Real resources of the caller, so writes get past "not found" to validation and the database. */
  const realIds = async (owner: TestUser) => {
    const community = await buildCommunity(server, owner);
    const event = await buildEvent(server, owner, { communityId: community.id });
    const [form, session, channel] = await Promise.all([
      buildForm(server, owner, { ownerType: 'event', ownerId: event.id }),
      buildSession(server, owner, event.id),
      buildChannel(server, owner, event.id),
    ]);
    return {
      communities: community.id,
      events: event.id,
      forms: form.id,
      sessions: session.id,
      channels: channel.id,
    } as Record<string, string>;
  };

  it('answers every write 4xx or 2xx, never 5xx, for every hostile value in every body field', async () => {
    const writes = operations.filter((op) => op.method !== 'GET');
    expect(writes.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const op of writes) {
      // A fresh owner and set per operation: an earlier DELETE or a hostile PATCH must not hide a
      // later write, and one owner's creation limits (forms per hour) must not end the walk.
      const owner = await registerUser(server);
      const ids = await realIds(owner);
      const url = op.path.replace(/\/([a-z-]+)\/\{[^}]+\}/g, (_all, kind: string) => {
        return `/${kind}/${ids[kind] ?? crypto.randomUUID()}`;
      });
      const bodies: unknown[] = hostileCorpus.flatMap((value) => [
        value,
        Object.fromEntries(op.bodyKeys.map((key) => [key, value])),
        { answers: { ...leadAnswers(1), name: value, about: value } },
        { answers: { ...leadAnswers(2), [String(value)]: 'a key' } },
      ]);
      for (const payload of bodies) {
        const res = await server.app.inject({
          method: op.method as 'POST',
          url,
          headers: { ...owner.headers, 'content-type': 'application/json' },
          payload: rawJson(payload),
        });
        if (res.statusCode >= 500)
          failures.push(`${op.method} ${op.path} ${rawJson(payload).slice(0, 60)} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 300_000);
});
