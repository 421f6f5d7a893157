import type { Problem } from '@muster/protocol';

export type FieldError = { field: string; message: string };

/**
 * An answer of the server that is not 2xx, carrying its problem+json. `code` is the stable
 * machine-readable code (`validation_failed`, `not_found`, `rate_limited`, …); `retryAfterSeconds`
 * comes from the `Retry-After` header.
 */
export class MusterApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, problem: Partial<Problem>, retryAfterSeconds?: number) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'MusterApiError';
    this.status = status;
    this.code = problem.code ?? (status >= 500 ? 'internal' : 'unknown');
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds;
    this.requestId = problem.requestId;
  }
}

/** The request never got an answer (offline, connection reset, timeout): its outcome is unknown. */
export class MusterNetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MusterNetworkError';
  }
}

/** Thrown by calls that need a signed-in user when there is none. */
export class SignedOutError extends Error {
  constructor() {
    super('Not signed in');
    this.name = 'SignedOutError';
  }
}

/**
 * Whether repeating the same request later may succeed. 5xx, 408 and 429 are transient; so is a 4xx
 * that says when to come back (`Retry-After`: e.g. 409 "a request with this Idempotency-Key is still
 * in progress"). Any other 4xx will fail the same way every time.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof MusterNetworkError) return true;
  if (!(error instanceof MusterApiError)) return false;
  if (error.status >= 500 || error.status === 408 || error.status === 429) return true;
  return error.retryAfterSeconds !== undefined;
}

/** Parses `Retry-After` (seconds or an HTTP date) into seconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
