/**
 * `npm start`'s entry, in plain JavaScript on purpose: it turns on Node's compile cache before any
 * TypeScript is loaded, so a restart reuses the compiled scripts and the server bundle and never
 * loads Node's TypeScript stripper (0.15 s). The cache lives in the system's temporary directory
 * unless NODE_COMPILE_CACHE names another. Everything else is in start.ts.
 */
import module from 'node:module';

module.enableCompileCache?.();
await import('./start.ts');
