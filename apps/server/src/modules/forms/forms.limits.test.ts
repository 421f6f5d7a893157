import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCommunity } from '../../../test/factories/events.ts';
import { buildForm, leadAnswers, submit } from '../../../test/factories/forms.ts';
import { registerUser } from '../../../test/factories.ts';
import { type TestServer, useTestServer } from '../../../test/harness.ts';

/**
 * Who pays for a submission: only a submission to a real, open form counts against that form's
 * allowance and the instance-wide cap, and one address gets only a share of a form's allowance.
 */
const attacker = '198.51.100.9';
const someoneElse = '203.0.113.40';

async function communityForm(server: TestServer, burstPerMinute?: number) {
  const owner = await registerUser(server);
  const community = await buildCommunity(server, owner);
  return buildForm(server, owner, {
    ownerType: 'community',
    ownerId: community.id,
    ...(burstPerMinute ? { burstPerMinute } : {}),
  });
}

const statuses = (answers: { statusCode: number }[]) => {
  const count: Record<number, number> = {};
  for (const { statusCode } of answers) count[statusCode] = (count[statusCode] ?? 0) + 1;
  return count;
};

describe('submissions to forms that do not exist', () => {
  const server = useTestServer({ env: { FORM_SUBMISSIONS_PER_MINUTE: '50' } });

  it('lets submissions to forms that do not exist cost real forms nothing, and limits them per address', async () => {
    const form = await communityForm(server);
    const junk = [];
    for (let i = 0; i < 200; i++)
      junk.push(await submit(server, randomUUID(), { answers: leadAnswers(i) }, { remoteAddress: attacker }));
    const count = statuses(junk);
    expect(Object.keys(count).sort()).toEqual(['404', '429']);
    expect(count[429]).toBeGreaterThan(0);
    // The instance-wide cap (50 here) and the form's allowance are untouched, for everyone.
    const real = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        submit(
          server,
          form.id,
          { answers: leadAnswers(i) },
          { remoteAddress: i % 2 ? attacker : someoneElse },
        ),
      ),
    );
    expect(real.map((r) => r.statusCode).filter((s) => s !== 202)).toEqual([]);
  });
});

describe('one address and a form', () => {
  const server = useTestServer();

  it("gives one address only a share of a form's burst allowance, so others still get through", async () => {
    const form = await communityForm(server, 100);
    const flood = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        submit(server, form.id, { answers: leadAnswers(i) }, { remoteAddress: attacker }),
      ),
    );
    const count = statuses(flood);
    expect(count[202]).toBe(50);
    expect(count[429]).toBe(50);
    const other = await submit(
      server,
      form.id,
      { answers: leadAnswers(500) },
      { remoteAddress: someoneElse },
    );
    expect(other.statusCode, other.body).toBe(202);
  });

  it('accepts 1,000 people submitting to one form through one NAT address', async () => {
    const form = await communityForm(server);
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        submit(server, form.id, { answers: leadAnswers(i) }, { remoteAddress: '203.0.113.7' }),
      ),
    );
    expect(answers.map((r) => r.statusCode).filter((s) => s !== 202)).toEqual([]);
  });
});
