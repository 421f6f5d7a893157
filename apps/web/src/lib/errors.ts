import { MusterApiError, MusterNetworkError } from '@muster/sdk';

/** A sentence for the person in front of the screen. */
export function describeError(error: unknown): string {
  if (error instanceof MusterNetworkError) return 'No connection. Try again when you are back online.';
  if (error instanceof MusterApiError) {
    if (error.code === 'rate_limited') return 'Too many attempts. Wait a moment and try again.';
    return error.errors[0]
      ? `${error.errors[0].field.replace(/^body\./, '')} ${error.errors[0].message}`
      : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
