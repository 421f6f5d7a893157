import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree, PortInUseError } from './port-check.ts';

describe('port check before serving', () => {
  it('passes on a free port and names PORT when the port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen({ port: 0, host: '127.0.0.1' }, () => resolve()));
    const port = (holder.address() as { port: number }).port;
    try {
      const error = await assertPortFree(port, '127.0.0.1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`Port ${port} is already in use`);
      expect((error as Error).message).toMatch(/PORT=\d+/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await expect(assertPortFree(port, '127.0.0.1')).resolves.toBeUndefined();
  });
});
