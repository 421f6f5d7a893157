import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaHashes } from './schema-hash.ts';
import { PROTOCOL_VERSION } from './version.ts';

const TABLE = new URL('./version.schemas.json', import.meta.url);
const VERSION_FILE = new URL('./version.ts', import.meta.url);

interface Table {
  protocolVersion: number;
  historyLine: string;
  hashes: Record<string, string>;
}

/** The ` * N — …` history line (first line only) of PROTOCOL_VERSION in version.ts, or null. */
function historyLineOf(version: number): string | null {
  const line = readFileSync(VERSION_FILE, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(` * ${version} — `));
  return line ? line.slice(3) : null;
}

function diff(was: Record<string, string>, now: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
  return names.flatMap((n) =>
    was[n] === now[n]
      ? []
      : [`  ${n}: ${was[n] === undefined ? 'added' : now[n] === undefined ? 'removed' : 'changed'}`],
  );
}

const HOW = (v: number) =>
  `To change the wire protocol:\n` +
  `  1. In packages/protocol/src/version.ts set PROTOCOL_VERSION = ${v + 1} and add a history line\n` +
  `     " * ${v + 1} — <what changed, and whether older clients keep working>".\n` +
  `  2. Regenerate the table: UPDATE_SCHEMA_HASHES=1 npm test -- packages/protocol/src/schema-hash.test.ts\n` +
  `  3. Commit version.ts and version.schemas.json together with the schema change.\n` +
  `If the change was not meant to reach the wire, revert it instead.`;

describe('protocol schema hashes', () => {
  it('change only together with PROTOCOL_VERSION and its history line', () => {
    const now = schemaHashes();
    const history = historyLineOf(PROTOCOL_VERSION);
    if (process.env.UPDATE_SCHEMA_HASHES) {
      const old = JSON.parse(readFileSync(TABLE, 'utf8')) as Table;
      if (diff(old.hashes, now).length > 0 && old.protocolVersion === PROTOCOL_VERSION)
        throw new Error(
          `Schemas changed but PROTOCOL_VERSION is still ${PROTOCOL_VERSION}.\n${HOW(PROTOCOL_VERSION)}`,
        );
      if (!history) throw new Error(`version.ts has no history line " * ${PROTOCOL_VERSION} — …".`);
      const table: Table = { protocolVersion: PROTOCOL_VERSION, historyLine: history, hashes: now };
      writeFileSync(TABLE, `${JSON.stringify(table, null, 2)}\n`);
      return;
    }
    const table = JSON.parse(readFileSync(TABLE, 'utf8')) as Table;
    const changed = diff(table.hashes, now);
    if (changed.length > 0 && table.protocolVersion === PROTOCOL_VERSION) {
      expect.fail(
        `The protocol's schemas changed but PROTOCOL_VERSION (${PROTOCOL_VERSION}) did not:\n${changed.join('\n')}\n\n${HOW(PROTOCOL_VERSION)}`,
      );
    }
    if (changed.length > 0 || table.protocolVersion !== PROTOCOL_VERSION) {
      expect.fail(
        `PROTOCOL_VERSION is ${PROTOCOL_VERSION} but version.schemas.json was recorded for ${table.protocolVersion}` +
          `${changed.length ? ` and differs:\n${changed.join('\n')}` : '.'}\n` +
          `Regenerate it: UPDATE_SCHEMA_HASHES=1 npm test -- packages/protocol/src/schema-hash.test.ts`,
      );
    }
    if (history !== table.historyLine) {
      expect.fail(
        `The history line of PROTOCOL_VERSION ${PROTOCOL_VERSION} in version.ts ` +
          `${history ? 'changed' : 'is missing'}; a released version's line is not rewritten. ` +
          `Restore " * ${table.historyLine}" or bump PROTOCOL_VERSION (see above).`,
      );
    }
  });
});
