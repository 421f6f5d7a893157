import { AppError, ErrorCode } from '../errors.ts';
import type { App } from './server.ts';

/**
 * PostgreSQL text cannot hold NUL, so a `\u0000` anywhere would fail deep in a query as a 500.
 * Refuse it at the edge for every route, naming the field. Iterative, so hostile nesting cannot
 * overflow the stack.
 */
export function registerTextGuard(app: App) {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['querystring', request.query],
      ['params', request.params],
      ['body', request.body],
    ] as const) {
      const field = findNul(value, part);
      if (field) {
        throw new AppError(ErrorCode.validation_failed, `${field} must not contain NUL characters`, {
          errors: [{ field, message: 'must not contain NUL characters' }],
        });
      }
    }
  });
}

function findNul(root: unknown, rootPath: string): string | null {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\0')}`;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}
