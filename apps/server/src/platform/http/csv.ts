import type { FastifyReply } from 'fastify';

/**
 * A spreadsheet opening an export must not run what a person typed: a text cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` (OWASP CSV injection).
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Any value as one defused CSV cell: empty for null, lists joined with `; `. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return safeCell(value);
  if (Array.isArray(value)) return safeCell(value.map(String).join('; '));
  return String(value);
}

/** Answers a CSV download (RFC 4180): a string or a stream, named, never sniffed as something else. */
export function sendCsv(reply: FastifyReply, filename: string, body: string | NodeJS.ReadableStream) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('x-content-type-options', 'nosniff')
    .send(body);
}
