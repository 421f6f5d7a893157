/**
 * Route schemas compiled when first used instead of all at boot: compiling every route's
 * validators and response serializers was over a second of each start (ajv and
 * fast-json-stringify, ~400 routes). `warmUp` then compiles whatever is left in the background, a
 * schema per turn of the event loop, so the first request to a route rarely pays for it and a
 * schema that does not compile is still reported within seconds of a start.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { ValidateFunction } from 'ajv';
import { validatorCompiler } from './validation.ts';

type Serialize = (payload: unknown) => string;
type SerializerFactory = ReturnType<typeof SerializerSelector>;

export interface LazySchemas {
  validatorCompiler: (route: { schema: object; httpPart?: string }) => ValidateFunction;
  buildSerializer: SerializerFactory;
  /** Compiles what no request has compiled yet, yielding between schemas; stops when `stopped()`. */
  warmUp(stopped: () => boolean): Promise<{ compiled: number; failed: { error: Error }[] }>;
}

export function createLazySchemas(): LazySchemas {
  const pending = new Set<() => unknown>();

  /** `compile` once, on the first call of the returned getter (or in `warmUp`). */
  function once<T>(compile: () => T): () => T {
    let compiled: { value: T } | undefined;
    const get = () => {
      if (!compiled) {
        pending.delete(get);
        compiled = { value: compile() };
      }
      return compiled.value;
    };
    pending.add(get);
    return get;
  }

  return {
    validatorCompiler(route) {
      const compiled = once(() => validatorCompiler(route));
      const validate = ((data: unknown, context?: object) => {
        const inner = compiled();
        const valid = inner(data, context as never);
        validate.errors = inner.errors;
        return valid;
      }) as ValidateFunction;
      // Fastify hands Ajv the parent of the value (so a coerced root can be replaced) when the
      // validator has a `schemaEnv`: read it from the compiled function.
      Object.defineProperty(validate, 'schemaEnv', { get: () => compiled().schemaEnv });
      return validate;
    },

    buildSerializer(externalSchemas, options) {
      const build = SerializerSelector()(externalSchemas, options);
      return (route) => {
        const compiled = once(() => build(route) as Serialize);
        return (payload: unknown) => compiled()(payload);
      };
    },

    async warmUp(stopped) {
      let compiled = 0;
      const failed: { error: Error }[] = [];
      for (const compile of pending) {
        if (stopped()) break;
        try {
          compile();
          compiled++;
        } catch (error) {
          pending.delete(compile);
          failed.push({ error: error as Error });
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { compiled, failed };
    },
  };
}
