import { ErrorCode } from '@muster/protocol';

export { ErrorCode };

const statusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  capacity_reached: 409,
  limit_reached: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  content_refused: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type services throw; the HTTP edge maps it to problem+json, sockets to an ack. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.code = code;
    this.status = statusOf[code];
    this.errors = details.errors;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export const notFound = (what = 'Resource') => new AppError(ErrorCode.not_found, `${what} not found`);
export const invalid = (field: string, message: string) =>
  new AppError(ErrorCode.validation_failed, `${field} ${message}`, { errors: [{ field, message }] });
