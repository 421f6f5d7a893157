import { AppError, ErrorCode } from '../errors.ts';
import type { App } from './server.ts';

/** Deepest nesting of objects and arrays a request may carry; no Muster schema needs more than 4. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses at the edge, for every route and naming the field, what PostgreSQL cannot store or what
 * would fail deep in a query or a batch as a 500: NUL (text and jsonb cannot hold it), unpaired
 * UTF-16 surrogates (jsonb refuses `\ud800`; text would silently turn it into U+FFFD) in values
 * and keys, and nesting deeper than MAX_JSON_DEPTH (recursive serialisers overflow the stack).
 * Refused here, one submitter's bad input never reaches a micro-batch shared with others.
 * Iterative, so hostile nesting cannot overflow this walk either.
 */
export function registerTextGuard(app: App) {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['querystring', request.query],
      ['params', request.params],
      ['body', request.body],
    ] as const) {
      const found = findUnstorable(value, part);
      if (found) {
        throw new AppError(ErrorCode.validation_failed, `${found.field} ${found.message}`, {
          errors: [found],
        });
      }
    }
  });
}

interface Refusal {
  field: string;
  message: string;
}

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (!text.isWellFormed()) return 'must not contain unpaired UTF-16 surrogates';
  return null;
}

/** A key as it can be shown in an error: NUL and unpaired surrogates written as escapes. */
function printable(key: string): string {
  if (!textProblem(key)) return key;
  let out = '';
  for (const c of key) {
    const code = c.codePointAt(0)!;
    if (code === 0) out += '\\0';
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16)}`;
    else out += c;
  }
  return out;
}

function findUnstorable(root: unknown, rootPath: string): Refusal | null {
  const stack: [unknown, string, number][] = [[root, rootPath, 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const message = textProblem(value);
      if (message) return { field: path, message };
    } else if (value && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH)
        return { field: path, message: `must not be nested more than ${MAX_JSON_DEPTH} levels deep` };
      for (const [key, child] of Object.entries(value)) {
        const childPath = `${path}.${printable(key)}`;
        const message = textProblem(key);
        if (message) return { field: childPath, message: `(the key) ${message}` };
        stack.push([child, childPath, depth + 1]);
      }
    }
  }
  return null;
}
