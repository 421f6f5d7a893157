import { createHash } from 'node:crypto';
import { IsSchema } from 'typebox';
import { changeCatalogue } from './changes.ts';
import * as protocol from './index.ts';

/**
 * sha256 of the JSON of every exported schema, in name order, plus the change catalogue's entity →
 * scope kinds (its data schemas are exported schemas or hashed here by entity). Compared against
 * SCHEMA_HASHES by schema-hash.test.ts.
 */
export function schemaHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
  for (const name of Object.keys(protocol).sort()) {
    const value = (protocol as Record<string, unknown>)[name];
    if (IsSchema(value)) out[name] = sha(value);
  }
  for (const entity of Object.keys(changeCatalogue).sort()) {
    out[`change:${entity}`] = sha(changeCatalogue[entity as keyof typeof changeCatalogue]);
  }
  return out;
}
