import type { SocketAckError } from '@muster/protocol';
import type { Socket } from 'socket.io';
import type { TSchema } from 'typebox';
import type { AuthedCtx, Platform } from '../context.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { toAppError } from '../http/problem.ts';
import { compilePayloadSchema } from '../http/validation.ts';
import { dataOf } from './socket-data.ts';

export interface SocketHandler<T> {
  event: string;
  schema: TSchema;
  /** Returns the ack payload (without `ok`); throw AppError to refuse. */
  handle(ctx: AuthedCtx, payload: T, socket: Socket): Promise<object | undefined>;
  /** Runs even after the socket's access token expired (only `auth`, which renews it). */
  allowExpiredToken?: boolean;
}

type Validate = ReturnType<typeof compilePayloadSchema>;

/**
 * The client events a socket answers, registered by the gateway and by modules. Every event goes
 * through one wrapper: the socket's rate limit, token expiry, schema validation, one error model.
 */
export function createSocketEvents(platform: Platform) {
  // Compiled once when registered: compiling per connection would cost every handshake milliseconds.
  const handlers: { handler: SocketHandler<unknown>; validate: Validate }[] = [];

  function bind<T>(socket: Socket, handler: SocketHandler<T>, validate: Validate) {
    socket.on(handler.event, async (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: object) => void) : () => {};
      const data = dataOf(socket);
      try {
        if (!data.bucket.take()) throw new AppError(ErrorCode.rate_limited, 'Too many events; slow down');
        if (!handler.allowExpiredToken && Date.now() >= data.expiresAt) {
          throw new AppError(ErrorCode.unauthorized, 'Access token expired; send `auth` with a fresh token');
        }
        if (!validate(payload)) {
          const issue = validate.errors?.[0];
          const field = `${handler.event}${issue?.instancePath.replaceAll('/', '.') ?? ''}`;
          throw new AppError(ErrorCode.validation_failed, `${field} ${issue?.message ?? 'is invalid'}`, {
            errors: [{ field, message: issue?.message ?? 'is invalid' }],
          });
        }
        const ctx: AuthedCtx = { platform, actor: data.actor, requestId: `${socket.id}:${handler.event}` };
        reply({ ok: true, ...((await handler.handle(ctx, payload as T, socket)) ?? {}) });
      } catch (error) {
        const appError = toAppError(error);
        if (appError.status >= 500)
          platform.log.error({ err: error, event: handler.event }, 'socket event failed');
        reply({ ok: false, code: appError.code, message: appError.message } satisfies SocketAckError);
      }
    });
  }

  return {
    register<T>(handler: SocketHandler<T>): void {
      handlers.push({
        handler: handler as SocketHandler<unknown>,
        validate: compilePayloadSchema(handler.schema),
      });
    },
    /** Binds every registered event to a new connection. */
    bindAll(socket: Socket): void {
      for (const { handler, validate } of handlers) bind(socket, handler, validate);
    },
  };
}
