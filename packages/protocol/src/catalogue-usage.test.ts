import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CHANGE_ENTITIES, SCOPE_KINDS } from './changes.ts';

/**
 * The change catalogue is the one contract between writers and readers of changes only if nobody
 * goes around it: a change entity name or a scope string written by hand compiles, and breaks live
 * updates the day it drifts. So outside this package an entity is named `entities.<module>.<name>`
 * and a scope is built with `scopes.*`/`scopeFor` and read with `parseScope`. This test reads the
 * code (not tests: they may write made-up records on purpose) and names every place that does not.
 */

const root = path.resolve(import.meta.dirname, '../../..');
const TREES = ['apps/server/src', 'packages/sdk/src', 'apps/web/src'];

const entityNames: ReadonlySet<string> = new Set(CHANGE_ENTITIES);
const scopeStart = new RegExp(`^(${SCOPE_KINDS.join('|')}):`);

interface Hit {
  line: number;
  text: string;
  why: string;
}

/** Every string literal or template piece in `code` that names an entity or starts a scope. */
function catalogueBypasses(fileName: string, code: string): Hit[] {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, scriptKindOf(fileName));
  const hits: Hit[] = [];
  const check = (node: ts.Node, text: string) => {
    const why = entityNames.has(text)
      ? 'a change entity name (use `entities.<module>.<name>`)'
      : scopeStart.test(text)
        ? 'a scope string (use `scopes.*`, `scopeFor` or `parseScope`)'
        : null;
    if (why) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      hits.push({ line, text, why });
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) check(node, node.text);
    else if (ts.isTemplateExpression(node)) check(node, node.head.text);
    node.forEachChild(visit);
  };
  visit(source);
  return hits;
}

const scriptKindOf = (fileName: string) => (fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

const isCode = (name: string) =>
  /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts');

function codeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : codeFiles(full);
    return isCode(entry.name) ? [full] : [];
  });
}

describe('the change catalogue is the only place entity names and scope strings are written', () => {
  it('finds names and scopes in strings and templates, not in comments or other words', () => {
    const code = `// 'events.eventUpdated' on \`event:<id>\` is only a comment
const a = { entity: 'events.eventUpdated' };
const b = \`user:\${id}\`;
const c = 'channel:' + id;
if (scope.startsWith('community:')) {}
const d = 'events.eventUpdatedLater'; const e = 'eventful:x'; const f = \`\${kind}:\${id}\`;
const g = <div title="event:1">x</div>;`;
    expect(catalogueBypasses('sample.tsx', code).map((h) => [h.line, h.text])).toEqual([
      [2, 'events.eventUpdated'],
      [3, 'user:'],
      [4, 'channel:'],
      [5, 'community:'],
      [7, 'event:1'],
    ]);
  });

  it('holds for the server, the SDK and the web app (outside their tests)', () => {
    const found: string[] = [];
    for (const tree of TREES) {
      for (const file of codeFiles(path.join(root, tree))) {
        const name = path.relative(root, file).split(path.sep).join('/');
        for (const hit of catalogueBypasses(name, fs.readFileSync(file, 'utf8')))
          found.push(`${name}:${hit.line} writes '${hit.text}': ${hit.why}`);
      }
    }
    expect(found).toEqual([]);
  });
});
