import { type Change, MAX_SYNC_SCOPES } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { addMember, buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { untypedChange } from '../../../test/untyped-change.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { parseScopeItem, parseScopes } from './sync.scopes.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

const sync = (user: TestUser | undefined, scopes: string, limit?: number) =>
  server.app.inject({
    method: 'GET',
    url: `/api/v1/sync?scopes=${encodeURIComponent(scopes)}${limit !== undefined ? `&limit=${limit}` : ''}`,
    headers: user?.headers ?? {},
  });

/**
 * An event whose scope holds N changes: the events module's own (created, published), then one
 * session created and renamed until the count is reached.
 */
async function eventWithChanges(n: number) {
  const event = await buildEvent(server, organiser);
  const base = (await sync(organiser, `event:${event.id}@0`)).json().scopes[`event:${event.id}`].head;
  if (base >= n) throw new Error(`the event already has ${base} changes`);
  const s = await buildSession(server, organiser, event.id, { title: `v${base + 1}` });
  for (let i = base + 2; i <= n; i++)
    await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/sessions/${s.id}`,
      headers: organiser.headers,
      payload: { title: `v${i}` },
    });
  return { event, scope: `event:${event.id}` };
}

describe('GET /api/v1/sync', () => {
  it('returns exactly the changes after the cursor, in order, for every cursor', async () => {
    const n = 7;
    const { scope } = await eventWithChanges(n);
    for (let k = 0; k <= n; k++) {
      const res = await sync(organiser, `${scope}@${k}`);
      expect(res.statusCode).toBe(200);
      const answer = res.json().scopes[scope];
      expect(answer.head).toBe(n);
      expect(answer.hasMore).toBe(false);
      expect(answer.changes.map((c: Change) => c.seq)).toEqual(
        Array.from({ length: n - k }, (_, i) => k + i + 1),
      );
      const renames = answer.changes.filter((c: Change) => c.entity === 'agenda.sessionUpdated');
      expect(renames.map((c: Change) => (c.data as { title: string }).title)).toEqual(
        renames.map((c: Change) => `v${c.seq}`),
      );
    }
  });

  it('pages with limit and hasMore until caught up', async () => {
    const { scope } = await eventWithChanges(6);
    const seen: number[] = [];
    let cursor = 1;
    let pages = 0;
    for (;;) {
      const answer = (await sync(organiser, `${scope}@${cursor}`, 2)).json().scopes[scope];
      pages++;
      seen.push(...answer.changes.map((c: Change) => c.seq));
      cursor = seen.at(-1) ?? cursor;
      if (!answer.hasMore) break;
    }
    expect(seen).toEqual([2, 3, 4, 5, 6]);
    expect(pages).toBe(3);
  });

  it('answers reset for a cursor beyond head', async () => {
    const { scope } = await eventWithChanges(4);
    expect((await sync(organiser, `${scope}@9`)).json().scopes[scope]).toEqual({ reset: true, head: 4 });
  });

  it('refuses scopes the caller may not follow, and serves the rest of the same call', async () => {
    const { scope: visible } = await eventWithChanges(3);
    const hidden = await buildEvent(server, organiser, { visibility: 'private' });
    const me = await registerUser(server);
    const other = await registerUser(server);
    const missing = 'event:01890000-0000-7000-8000-000000000000';
    const res = await sync(
      me,
      [
        `${visible}@0`,
        `event:${hidden.id}@0`,
        `${missing}@0`,
        `user:${other.id}@0`,
        `user:${me.id}@0`,
        `community:${hidden.communityId}@0`,
        'channel:01890000-0000-7000-8000-000000000000@0',
        'planet:earth@0',
        'event:not-a-uuid@0',
        'event:01890000-0000-7000-8000-00000000000a',
        'event:01890000-0000-7000-8000-00000000000b@-1',
      ].join(','),
    );
    expect(res.statusCode).toBe(200);
    const scopes = res.json().scopes;
    expect(scopes[visible].changes.map((c: Change) => c.seq)).toEqual([1, 2, 3]);
    expect(scopes[`event:${hidden.id}`]).toEqual({ refused: true, code: 'not_found' });
    expect(scopes[missing]).toEqual({ refused: true, code: 'not_found' });
    expect(scopes[`user:${other.id}`]).toEqual({ refused: true, code: 'forbidden' });
    expect(scopes[`user:${me.id}`]).toEqual({ changes: [], head: 0, hasMore: false });
    expect(scopes[`community:${hidden.communityId}`]).toEqual({ refused: true, code: 'not_found' });
    expect(scopes['channel:01890000-0000-7000-8000-000000000000']).toEqual({
      refused: true,
      code: 'not_found',
    });
    expect(scopes['planet:earth']).toEqual({ refused: true, code: 'not_found' });
    expect(scopes['event:not-a-uuid']).toEqual({ refused: true, code: 'validation_failed' });
    expect(scopes['event:01890000-0000-7000-8000-00000000000a']).toEqual({
      refused: true,
      code: 'validation_failed',
    });
    expect(scopes['event:01890000-0000-7000-8000-00000000000b']).toEqual({
      refused: true,
      code: 'validation_failed',
    });
    expect(JSON.stringify(scopes[`event:${hidden.id}`])).not.toContain('head');
  });

  it('serves a community scope to members only', async () => {
    const event = await buildEvent(server, organiser);
    const member = await registerUser(server);
    const outsider = await registerUser(server);
    await addMember(server, event.communityId, organiser, member);
    const scope = `community:${event.communityId}`;
    const written = await withTx(server.platform, ({ append }) =>
      append(untypedChange({ scope, entity: 'test.happened', op: 'upsert', id: 'x', data: { n: 1 } })),
    );
    const answer = (await sync(member, `${scope}@${written.seq - 1}`)).json().scopes[scope];
    expect(answer).toEqual({ changes: [written], head: written.seq, hasMore: false });
    expect((await sync(outsider, `${scope}@0`)).json().scopes[scope]).toEqual({
      refused: true,
      code: 'not_found',
    });
  });

  it('rejects malformed requests as a whole with 400 and anonymous callers with 401', async () => {
    const me = await registerUser(server);
    const scope = `user:${me.id}@0`;
    expect((await sync(undefined, scope)).statusCode).toBe(401);
    for (const bad of ['', ',', `${scope},`, `${scope},${scope}`]) {
      const res = await sync(me, bad);
      expect([bad, res.statusCode]).toEqual([bad, 400]);
      expect(res.json().errors[0].field).toBe('querystring.scopes');
    }
    const tooMany = Array.from({ length: MAX_SYNC_SCOPES + 1 }, (_, i) => `event:${i}@0`).join(',');
    expect((await sync(me, tooMany)).statusCode).toBe(400);
    expect((await sync(me, scope, 0)).statusCode).toBe(400);
    expect((await sync(me, scope, 5000)).statusCode).toBe(400);
    const noParam = await server.app.inject({ method: 'GET', url: '/api/v1/sync', headers: me.headers });
    expect(noParam.statusCode).toBe(400);
    const proto = await sync(me, '__proto__@0');
    expect(Object.getOwnPropertyDescriptor(proto.json().scopes, '__proto__')?.value).toEqual({
      refused: true,
      code: 'validation_failed',
    });
  });
});

describe('scope parsing', () => {
  it('normalises ids and treats upper-case duplicates as the same scope', () => {
    const parsed = parseScopeItem('event:0189ABCD-0000-7000-8000-000000000000@3');
    expect(parsed).toEqual({
      key: 'event:0189ABCD-0000-7000-8000-000000000000',
      cursor: {
        kind: 'event',
        id: '0189abcd-0000-7000-8000-000000000000',
        scope: 'event:0189abcd-0000-7000-8000-000000000000',
        after: 3,
      },
    });
    expect(() =>
      parseScopes(
        'event:0189ABCD-0000-7000-8000-000000000000@3,event:0189abcd-0000-7000-8000-000000000000@1',
      ),
    ).toThrow(/twice/);
    expect(parseScopeItem('event:01890000-0000-7000-8000-000000000000@99999999999999999')).toMatchObject({
      refused: 'validation_failed',
    });
  });
});
