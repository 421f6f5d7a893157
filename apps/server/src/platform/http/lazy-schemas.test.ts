import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';
import { createLazySchemas } from './lazy-schemas.ts';

describe('route schemas compiled on first use', () => {
  it('compiles a validator on its first call, validates as Ajv does and reports its errors', () => {
    const schemas = createLazySchemas();
    const validate = schemas.validatorCompiler({
      schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
      httpPart: 'body',
    });
    expect(validate({ n: 1 })).toBe(true);
    expect(validate.errors).toBeNull();
    expect(validate({ n: 'x' })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/n');
  });

  it('reports a schema that does not compile from the background pass, not at registration', async () => {
    const schemas = createLazySchemas();
    // Registering a broken schema does not throw: nothing is compiled yet.
    schemas.validatorCompiler({ schema: { $ref: '#/definitions/missing' }, httpPart: 'body' });
    schemas.validatorCompiler({ schema: { type: 'string' }, httpPart: 'querystring' });
    const outcome = await schemas.warmUp(() => false);
    expect(outcome.compiled).toBe(1);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]?.error.message).toMatch(/missing/);
  });

  const server = useTestServer();

  it("compiles every route's validators and serializers after a start", async () => {
    const outcome = await server.schemas;
    expect(outcome.failed.map((f) => f.error.message)).toEqual([]);
    expect(outcome.compiled).toBeGreaterThan(300);
  });
});
