import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildCommunity } from '../../../test/factories/events.ts';
import { buildForm, leadAnswers, submit } from '../../../test/factories/forms.ts';
import { registerUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { intakeQuiet } from './forms.intake.ts';

/**
 * Workers yield to a running burst. A chain of embedded-database calls never lets the event loop
 * read the network, so "no submission arrived lately" must be judged only after the server has
 * had the chance to read what is waiting: otherwise a worker batch after a worker batch sees an
 * old arrival time, calls the burst over, and holds the one thread while senders wait (the PGlite
 * burst stall).
 */
const server = useTestServer({ listen: true });

describe('a worker waiting for a burst to end', () => {
  it('does not call a burst over while a submission waits unread on a socket', async () => {
    const owner = await registerUser(server);
    const community = await buildCommunity(server, owner);
    const form = await buildForm(server, owner, { ownerType: 'community', ownerId: community.id });
    expect((await submit(server, form.id, { answers: leadAnswers(1) })).statusCode).toBe(202);
    // The last arrival is now well in the past: by the clock alone, the burst is over.
    await new Promise((resolve) => setTimeout(resolve, 400));

    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const order: string[] = [];
    const answered = new Promise<void>((resolve) =>
      socket.once('data', (chunk) => {
        order.push(`answered ${chunk.toString('latin1').split(' ')[1]}`);
        resolve();
      }),
    );
    const body = JSON.stringify({ answers: leadAnswers(2) });
    // Written to the kernel now; the server reads it only when its event loop turns.
    socket.write(
      `POST /api/v1/forms/${form.id}/submissions HTTP/1.1\r\nhost: localhost\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await intakeQuiet(server.platform, 10_000).then(() => order.push('quiet'));
    await answered;
    socket.destroy();
    expect(order).toEqual(['answered 202', 'quiet']);
  });
});

describe('a worker under a steady stream that is never quiet', () => {
  it('stops yielding once the stream is older than the bound, instead of waiting before every batch', async () => {
    const owner = await registerUser(server);
    const community = await buildCommunity(server, owner);
    const form = await buildForm(server, owner, { ownerType: 'community', ownerId: community.id });
    let sending = true;
    const stream = (async () => {
      for (let i = 0; sending; i++) {
        expect((await submit(server, form.id, { answers: leadAnswers(10 + i) })).statusCode).toBe(202);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    // The stream has run past the 1.5 s bound: a worker goes on at once, batch after batch (a
    // per-batch bound would make each of them wait the full 1.5 s).
    await new Promise((resolve) => setTimeout(resolve, 1800));
    const waits: number[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const started = performance.now();
      await intakeQuiet(server.platform, 1500);
      waits.push(performance.now() - started);
    }
    sending = false;
    await stream;
    expect(waits.filter((ms) => ms >= 1000)).toEqual([]);
  });
});
