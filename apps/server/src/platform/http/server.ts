import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PROTOCOL_VERSION, Problem } from '@muster/protocol';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { InvalidTokenError, sha256 } from '../auth/tokens.ts';
import type { Platform } from '../context.ts';
import { AppError, ErrorCode } from '../errors.ts';
import { compileTrust } from './client-address.ts';
import { registerIdempotency } from './idempotency.ts';
import { createLazySchemas, type LazySchemas } from './lazy-schemas.ts';
import { sendProblem, toAppError } from './problem.ts';
import { registerTextGuard } from './text-guard.ts';
import { isWebAppRead } from './web-app.ts';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('pino').Logger,
  TypeBoxTypeProvider
>;

export const BODY_LIMIT_BYTES = 1024 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads `Authorization` itself (`/metrics`' scrape token is no access token). */
    ownAuthorization?: boolean;
  }
  interface FastifyInstance {
    /** Compiles the route schemas no request has needed yet (lazy-schemas.ts). */
    warmUpSchemas: LazySchemas['warmUp'];
  }
}

/** Fastify with Muster's edge: request ids, problem+json, auth, rate limits, OpenAPI. */
export async function createHttpServer(platform: Platform): Promise<App> {
  const schemas = createLazySchemas();
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: schemas.buildSerializer } },
    loggerInstance: platform.log,
    // Per-request lines would dominate the log under load; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 200 },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Who the client is (rate limits, idempotency owners): only proxies named in TRUST_PROXY may
    // say so in X-Forwarded-For; sockets use the same rule (client-address.ts).
    trustProxy: platform.config.trustProxy === false ? false : compileTrust(platform.config.trustProxy),
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(schemas.validatorCompiler);
  app.decorate('warmUpSchemas', schemas.warmUp);
  app.decorateRequest('actor', null);
  app.addSchema(Problem);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const header = request.headers.authorization;
    if (!header || request.routeOptions.config.ownAuthorization) return;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header);
    if (!match?.[1]) throw new AppError(ErrorCode.unauthorized, 'Malformed Authorization header');
    try {
      const { userId, familyId } = await platform.tokens.verifyAccess(match[1]);
      request.actor = { userId, familyId };
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new AppError(ErrorCode.unauthorized, 'Invalid or expired access token');
      throw error;
    }
  });

  registerTextGuard(app);
  registerIdempotency(app, platform.db);

  app.addHook('onResponse', async (request, reply) => {
    platform.metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError(ErrorCode.not_found, `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  await app.register(rateLimit, {
    global: true,
    max: platform.config.httpRateLimitPerMinute,
    timeWindow: 60_000,
    allowList: (request) => isWebAppRead(request.method, request.url),
    ...(platform.redis ? { redis: platform.redis, nameSpace: 'muster:http-rl:' } : {}),
    // Signed-in callers are limited per session, so a venue's shared NAT does not throttle everyone as one.
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      return auth ? `t:${sha256(auth).slice(0, 24)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => {
      const error = new AppError(ErrorCode.rate_limited, 'Too many requests', {
        retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
      });
      return Object.assign(error, { statusCode: 429 });
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Muster API',
        version: `1.${PROTOCOL_VERSION}.0`,
        description:
          'Events and communities in real time. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
