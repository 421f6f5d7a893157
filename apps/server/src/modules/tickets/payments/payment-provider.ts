/**
 * The seam between orders and a payment service (PRODUCT F2). Orders know only this interface; the
 * Stripe implementation (stripe-provider.ts, the official `stripe` library) is one provider. Tests
 * run the real provider against a local HTTP server that speaks the parts of Stripe's API used here
 * (apps/server/test/fake-stripe), never a stand-in for this interface.
 */
export interface CheckoutRequest {
  orderId: string;
  eventId: string;
  /** ISO 4217, upper case. */
  currency: string;
  lines: readonly { name: string; unitPriceCents: number; quantity: number }[];
  /** When the seats' hold ends: the checkout must not take a payment after it (Stripe: `expires_at`). */
  expiresAt: Date;
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string;
}

export interface CheckoutSession {
  sessionId: string;
  /** Where the buyer pays. */
  url: string;
}

/** A provider's webhook event, reduced to what orders act on. `id` is the provider's event id. */
export type PaymentEvent =
  | {
      id: string;
      type: 'checkout.completed';
      sessionId: string;
      orderId: string;
      /** What a refund needs (Stripe: the PaymentIntent id). */
      paymentId: string;
      amountCents: number;
      currency: string;
    }
  | { id: string; type: 'checkout.expired'; sessionId: string; orderId: string }
  | { id: string; type: 'ignored'; providerType: string };

export class WebhookSignatureError extends Error {}

export interface PaymentProvider {
  readonly name: 'stripe';
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** Ends an open checkout early (order cancelled or its hold released); a no-op when already closed. */
  expireCheckout(sessionId: string): Promise<void>;
  /** Refunds a whole payment; `idempotencyKey` makes a retried refund a no-op at the provider. */
  refund(paymentId: string, idempotencyKey: string): Promise<{ refundId: string }>;
  /** Verifies the signature over the raw body and reads the event; throws WebhookSignatureError. */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): PaymentEvent;
}
