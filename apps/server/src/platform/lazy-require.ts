import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded the first time it is used instead of at every start: for what only some
 * deployments or some requests need (Stripe, SMTP, Web Push, PDF, images), which together were
 * half a second of loading on each start. `require` loads CommonJS and ES modules alike (Node 22+).
 */
export function lazyRequire<T>(specifier: string): () => T {
  let loaded: { value: T } | undefined;
  return () => {
    loaded ??= { value: require(specifier) as T };
    return loaded.value;
  };
}
