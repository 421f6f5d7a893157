import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity } from '../../../test/factories/events.ts';
import { buildForm, leadAnswers, submit } from '../../../test/factories/forms.ts';
import { registerUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

/**
 * Hostile answers in a burst: whatever one submitter sends, the others' submissions in the same
 * micro-batch are accepted, and the bad one is refused with a 400 that names its field.
 */
const server = useTestServer();
let formId: string;
beforeAll(async () => {
  const owner = await registerUser(server);
  const community = await buildCommunity(server, owner);
  formId = (await buildForm(server, owner, { ownerType: 'community', ownerId: community.id })).id;
});

/** JSON text nested `depth` objects deep, built as text: serialising such a value overflows the stack. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}"deep"${'}'.repeat(depth)}`;

describe('hostile answers in a burst', () => {
  it('refuses answers PostgreSQL cannot store with 400 naming the field, and accepts everyone else', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ ...leadAnswers(1), name: 'Ann \ud800' }, 'body.answers.name'],
      [{ ...leadAnswers(2), about: '\udc00 low first' }, 'body.answers.about'],
      [{ ...leadAnswers(3), name: 'Bob\u0000' }, 'body.answers.name'],
      [{ ...leadAnswers(4), 'x\ud800': 'key' }, 'body.answers.x\\ud800'],
    ];
    const good = Array.from({ length: 60 }, (_, i) => leadAnswers(100 + i));
    const answers = await Promise.all([
      ...good.map((a) => submit(server, formId, { answers: a })),
      ...bad.map(([a]) => submit(server, formId, { answers: a })),
    ]);
    const goodCodes = answers.slice(0, good.length).map((r) => r.statusCode);
    expect(goodCodes.filter((s) => s !== 202)).toEqual([]);
    for (const [i, [, field]] of bad.entries()) {
      const res = answers[good.length + i]!;
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors[0].field).toBe(field);
    }
  });

  it('answers 4xx, not 500, to answers nested 10,000 deep, and keeps serving', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: `/api/v1/forms/${formId}/submissions`,
      headers: { 'content-type': 'application/json' },
      payload: `{"answers":{"name":"Deep","email":"deep@example.test","consent":true,"about":${nested(10_000)}}}`,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect((await submit(server, formId, { answers: leadAnswers(6) })).statusCode).toBe(202);
  });
});
