import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let user: TestUser;
beforeAll(async () => {
  user = await registerUser(server);
});

const createCommunity = (key: string, name = 'Idempotent') =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/communities',
    headers: { ...user.headers, 'idempotency-key': key },
    payload: { name },
  });

describe('Idempotency-Key', () => {
  it('returns the first result for a repeat, and performs the write once', async () => {
    const first = await createCommunity('k-1');
    const again = await createCommunity('k-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const fresh = await createCommunity('k-2');
    expect(fresh.json().id).not.toBe(first.json().id);
  });

  it('gives concurrent repeats one write between them', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => createCommunity('k-concurrent')));
    const created = results.filter((r) => r.statusCode === 201);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    expect(results.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
    const after = await createCommunity('k-concurrent');
    expect(after.json().id).toBe(created[0]!.json().id);
  });

  it('refuses a key reused for a different request, and a malformed key', async () => {
    await createCommunity('k-3');
    const other = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { ...user.headers, 'idempotency-key': 'k-3' },
      payload: { name: 'Changed' },
    });
    expect(other.statusCode).toBe(409);
    const bad = await createCommunity('x'.repeat(500));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('headers.idempotency-key');
  });

  it('does not remember failures, so a corrected retry with the same key runs', async () => {
    const invalid = await createCommunity('k-4', '');
    expect(invalid.statusCode).toBe(400);
    const corrected = await createCommunity('k-4', 'Now valid');
    expect(corrected.statusCode).toBe(201);
  });

  it('keeps keys per caller', async () => {
    const other = await registerUser(server);
    const mine = await createCommunity('shared-key');
    const theirs = await server.app.inject({
      method: 'POST',
      url: '/api/v1/communities',
      headers: { ...other.headers, 'idempotency-key': 'shared-key' },
      payload: { name: 'Theirs' },
    });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
  });
});
