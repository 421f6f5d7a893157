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
