import type { Socket } from 'socket.io-client';
import { afterAll, describe, it } from 'vitest';
import { checkAccessProperty } from '../../../test/access-property.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer({ listen: true });
const sockets: Socket[] = [];
afterAll(() => {
  for (const socket of sockets) socket.close();
});

describe('sockets across random access changes', () => {
  it('after each step, exactly the people allowed to read a scope receive what is published in it', async () => {
    await checkAccessProperty([server], sockets, 8);
  }, 240_000);
});
