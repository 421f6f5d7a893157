import type Stripe from 'stripe';
import { lazyRequire } from '../../../platform/lazy-require.ts';
import {
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentEvent,
  type PaymentProvider,
  WebhookSignatureError,
} from './payment-provider.ts';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** A Stripe-compatible API (tests, a proxy); unset: Stripe's own. */
  apiBase?: string | undefined;
}

/**
 * The library is loaded when a provider is made, i.e. only where a Stripe key is configured: it is
 * ~560 files, a fifth of a second of every start otherwise.
 */
const loadStripe = lazyRequire<typeof Stripe>('stripe');

/** Stripe will not let a Checkout Session expire sooner than 30 minutes after it is created. */
const MIN_CHECKOUT_SECONDS = 30 * 60 + 30;

/**
 * Stripe Checkout through the official library (PRODUCT F2). A session's `expires_at` follows the
 * hold, but never less than Stripe's 30-minute minimum: a payment that completes after the hold
 * ended is settled by the webhook, which re-takes the seats or refunds (settlement.ts).
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly library = loadStripe();
  private readonly stripe: Stripe;
  private readonly webhookSecret: string;

  constructor(settings: StripeSettings) {
    const base = settings.apiBase ? new URL(settings.apiBase) : null;
    this.stripe = new this.library(settings.secretKey, {
      maxNetworkRetries: 2,
      timeout: 10_000,
      telemetry: false,
      ...(base
        ? {
            host: base.hostname,
            port: base.port || (base.protocol === 'https:' ? 443 : 80),
            protocol: base.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
    });
    this.webhookSecret = settings.webhookSecret;
  }

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const earliest = Math.ceil(Date.now() / 1000) + MIN_CHECKOUT_SECONDS;
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: request.lines.map((line) => ({
          quantity: line.quantity,
          price_data: {
            currency: request.currency.toLowerCase(),
            unit_amount: line.unitPriceCents,
            product_data: { name: line.name },
          },
        })),
        expires_at: Math.max(earliest, Math.floor(request.expiresAt.getTime() / 1000)),
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        client_reference_id: request.orderId,
        metadata: { orderId: request.orderId, eventId: request.eventId },
        ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
      },
      // One order, one session: a retried request gets the session the first one made.
      { idempotencyKey: `checkout:${request.orderId}` },
    );
    if (!session.url) throw new Error(`Stripe answered a checkout session without a URL (${session.id})`);
    return { sessionId: session.id, url: session.url };
  }

  async expireCheckout(sessionId: string): Promise<void> {
    try {
      await this.stripe.checkout.sessions.expire(sessionId);
    } catch (error) {
      // Already expired or completed: nothing left to close.
      if (error instanceof this.library.errors.StripeInvalidRequestError) return;
      throw error;
    }
  }

  async refund(paymentId: string, idempotencyKey: string): Promise<{ refundId: string }> {
    const refund = await this.stripe.refunds.create(
      { payment_intent: paymentId, reason: 'requested_by_customer' },
      { idempotencyKey: `refund:${idempotencyKey}` },
    );
    return { refundId: refund.id };
  }

  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): PaymentEvent {
    if (!signatureHeader) throw new WebhookSignatureError('The Stripe-Signature header is missing');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signatureHeader, this.webhookSecret);
    } catch (error) {
      throw new WebhookSignatureError((error as Error).message);
    }
    return toPaymentEvent(event);
  }
}

function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  if (
    event.type === 'checkout.session.completed' ||
    event.type === 'checkout.session.async_payment_succeeded' ||
    event.type === 'checkout.session.expired'
  ) {
    const session = event.data.object;
    const orderId = session.metadata?.orderId ?? session.client_reference_id;
    if (!orderId) return { id: event.id, type: 'ignored', providerType: event.type };
    if (event.type === 'checkout.session.expired')
      return { id: event.id, type: 'checkout.expired', sessionId: session.id, orderId };
    // Delayed methods complete the session unpaid and succeed later (async_payment_succeeded).
    if (session.payment_status !== 'paid') return { id: event.id, type: 'ignored', providerType: event.type };
    const paymentIntent = session.payment_intent;
    const paymentId = typeof paymentIntent === 'string' ? paymentIntent : paymentIntent?.id;
    if (!paymentId) return { id: event.id, type: 'ignored', providerType: event.type };
    return {
      id: event.id,
      type: 'checkout.completed',
      sessionId: session.id,
      orderId,
      paymentId,
      amountCents: session.amount_total ?? 0,
      currency: (session.currency ?? '').toUpperCase(),
    };
  }
  return { id: event.id, type: 'ignored', providerType: event.type };
}
