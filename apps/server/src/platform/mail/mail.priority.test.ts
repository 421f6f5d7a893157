import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';
import { useSmtpSink } from '../../../test/smtp-sink.ts';
import { withTx } from '../db/unit-of-work.ts';
import { enqueueMail } from './enqueue.ts';
import { defineMailTemplate } from './templates.ts';

const note = defineMailTemplate({ name: 'test.priorityNote', subject: '{{what}}', text: '{{what}}' });

const sink = useSmtpSink();
const server = useTestServer(() => ({ env: { SMTP_URL: sink.url } }));

describe('account mail and bulk mail', () => {
  it('delivers an account mail before a backlog of bulk mail queued ahead of it', async () => {
    const community = { id: randomUUID(), verified: true };
    const backlog = 12;
    await withTx(server.platform, async (work) => {
      for (let i = 0; i < backlog; i++)
        await enqueueMail(work, {
          kind: 'bulk',
          community,
          to: `bulk-${i}@example.test`,
          template: note.name,
          data: { what: `bulk ${i}` },
        });
    });
    await withTx(server.platform, (work) =>
      enqueueMail(work, { to: 'account@example.test', template: note.name, data: { what: 'account' } }),
    );
    const account = await sink.waitFor((m) => m.envelopeTo.includes('account@example.test'));
    const bulkBefore = sink.received
      .slice(0, sink.received.indexOf(account))
      .filter((m) => m.subject.startsWith('bulk'));
    expect(bulkBefore.length).toBeLessThan(backlog);
    // The backlog is still delivered, all of it.
    for (let i = 0; i < backlog; i++)
      await sink.waitFor((m) => m.envelopeTo.includes(`bulk-${i}@example.test`));
  });
});
