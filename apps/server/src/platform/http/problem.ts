import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode, type FieldError } from '../errors.ts';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

interface AjvIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Names the offending field the way a client wrote it: `body.sessions.0.title`. */
function fieldErrors(context: string | undefined, issues: AjvIssue[]): FieldError[] {
  return issues.map((issue) => {
    const base = (issue.instancePath ?? '').split('/').filter(Boolean);
    const extra =
      issue.keyword === 'required'
        ? String(issue.params?.missingProperty ?? '')
        : issue.keyword === 'additionalProperties'
          ? String(issue.params?.additionalProperty ?? '')
          : '';
    const field = [context, ...base, extra].filter(Boolean).join('.');
    const message =
      issue.keyword === 'additionalProperties' ? 'is not an accepted field' : (issue.message ?? 'is invalid');
    return { field, message };
  });
}

const PG_UNAVAILABLE = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
]);

/** Maps anything thrown to RFC 9457 problem+json; only genuine bugs become 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string; cause?: unknown };
  if (e.validation) {
    const errors = fieldErrors(e.validationContext, e.validation);
    const first = errors[0];
    return new AppError(
      ErrorCode.validation_failed,
      first ? `${first.field} ${first.message}` : 'Invalid request',
      { errors },
    );
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(ErrorCode.payload_too_large, 'Request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(ErrorCode.unsupported_media_type, 'Send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(ErrorCode.validation_failed, 'body must not be empty', {
        errors: [{ field: 'body', message: 'must not be empty' }],
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(ErrorCode.validation_failed, `body is not valid JSON`, {
        errors: [{ field: 'body', message: 'is not valid JSON' }],
      });
  }
  if (e.statusCode === 429) return new AppError(ErrorCode.rate_limited, 'Too many requests');
  if (e instanceof SyntaxError || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)) {
    return new AppError(ErrorCode.validation_failed, e.message);
  }
  const pgCode = (e as { code?: string }).code ?? (e.cause as { code?: string } | undefined)?.code;
  if (pgCode && PG_UNAVAILABLE.has(pgCode))
    return new AppError(ErrorCode.unavailable, 'Database unavailable, retry shortly');
  return new AppError(ErrorCode.internal, 'Internal error');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply
    .status(error.status)
    .type('application/problem+json')
    .send({
      type: `https://muster.dev/problems/${error.code}`,
      title: titles[error.status] ?? 'Error',
      status: error.status,
      code: error.code,
      detail: error.message,
      requestId: request.id,
      ...(error.errors ? { errors: error.errors } : {}),
    });
}
