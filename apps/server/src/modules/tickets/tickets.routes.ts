import {
  CreateOrderBody,
  CreateTicketQuotaBody,
  CreateTicketTypeBody,
  IdParams,
  Order,
  ReissueTicketBody,
  Ticket,
  TicketList,
  TicketQuota,
  TicketType,
  UpdateTicketTypeBody,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { authedCtx, ctxOf } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { paymentProvider, WebhookSignatureError } from './payments/index.ts';
import { applyPaymentEvent } from './payments/settlement.ts';
import * as ordersService from './tickets.orders.ts';
import * as types from './tickets.types.ts';
import { reissueTicket, voidTicket } from './tickets.void.ts';

const tags = ['tickets'];
const security = [{ bearer: [] }];
/** Stripe's events are a few KB; far larger is not Stripe. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;
const WEBHOOKS_PER_MINUTE = 600;

export function ticketRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/events/:id/ticket-types',
    { schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(TicketType) }) } } },
    async (request) => types.listTicketTypes(ctxOf(platform, request), request.params.id),
  );
  app.post(
    '/api/v1/events/:id/ticket-types',
    {
      schema: { tags, security, params: IdParams, body: CreateTicketTypeBody, response: { 201: TicketType } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await types.createTicketType(authedCtx(platform, request), request.params.id, request.body)),
  );
  app.patch(
    '/api/v1/ticket-types/:id',
    {
      schema: { tags, security, params: IdParams, body: UpdateTicketTypeBody, response: { 200: TicketType } },
    },
    async (request) => types.updateTicketType(authedCtx(platform, request), request.params.id, request.body),
  );
  app.get(
    '/api/v1/events/:id/ticket-quotas',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(TicketQuota) }) },
      },
    },
    async (request) => types.listQuotas(authedCtx(platform, request), request.params.id),
  );
  app.post(
    '/api/v1/events/:id/ticket-quotas',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: CreateTicketQuotaBody,
        response: { 201: TicketQuota },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await types.createQuota(authedCtx(platform, request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/events/:id/orders',
    { schema: { tags, security, params: IdParams, body: CreateOrderBody, response: { 201: Order } } },
    async (request, reply) =>
      reply
        .status(201)
        .send(await ordersService.createOrder(authedCtx(platform, request), request.params.id, request.body)),
  );
  app.get(
    '/api/v1/orders/:id',
    { schema: { tags, security, params: IdParams, response: { 200: Order } } },
    async (request) => ordersService.getOrder(authedCtx(platform, request), request.params.id),
  );
  app.post(
    '/api/v1/orders/:id/cancel',
    { schema: { tags, security, params: IdParams, response: { 200: Order } } },
    async (request) => ordersService.cancelOrder(authedCtx(platform, request), request.params.id),
  );
  app.get(
    '/api/v1/me/tickets',
    {
      schema: {
        tags,
        security,
        querystring: Type.Object(
          { eventId: Type.Optional(IdParams.properties.id) },
          { additionalProperties: false },
        ),
        response: { 200: TicketList },
      },
    },
    async (request) => ordersService.myTickets(authedCtx(platform, request), request.query.eventId),
  );
  app.post(
    '/api/v1/tickets/:id/void',
    { schema: { tags, security, params: IdParams, response: { 200: Ticket } } },
    async (request) => voidTicket(authedCtx(platform, request), request.params.id),
  );
  app.post(
    '/api/v1/tickets/:id/reissue',
    { schema: { tags, security, params: IdParams, body: ReissueTicketBody, response: { 201: Ticket } } },
    async (request, reply) =>
      reply
        .status(201)
        .send(await reissueTicket(authedCtx(platform, request), request.params.id, request.body ?? {})),
  );

  // Stripe signs the exact bytes it sent: this route reads its body raw, in a scope of its own so the
  // JSON routes keep their parser. The signature is the credential; nothing is done before it holds.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/v1/payments/stripe/webhook',
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        config: { rateLimit: { max: WEBHOOKS_PER_MINUTE, timeWindow: 60_000 } },
        schema: {
          tags,
          description: 'Stripe webhook: checkout completed or expired. Signed with STRIPE_WEBHOOK_SECRET.',
          response: { 200: Type.Object({ received: Type.Literal(true), outcome: Type.String() }) },
        },
      },
      async (request) => {
        const provider = paymentProvider(platform).provider;
        if (!provider) throw new AppError(ErrorCode.not_found, 'No payment provider is configured');
        const body = request.body;
        if (!Buffer.isBuffer(body))
          throw new AppError(ErrorCode.validation_failed, 'Expected the raw event body');
        const header = request.headers['stripe-signature'];
        let event: ReturnType<typeof provider.parseWebhook>;
        try {
          event = provider.parseWebhook(body, Array.isArray(header) ? header[0] : header);
        } catch (error) {
          if (error instanceof WebhookSignatureError)
            throw new AppError(ErrorCode.validation_failed, `Webhook signature refused: ${error.message}`);
          throw error;
        }
        return { received: true as const, outcome: await applyPaymentEvent(platform, event) };
      },
    );
  });
}
