import type { Config } from '../../../config.ts';
import type { Platform } from '../../../platform/context.ts';
import { perNode } from '../../../platform/node-state.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { StripeProvider } from './stripe-provider.ts';

export type { PaymentEvent, PaymentProvider } from './payment-provider.ts';
export { WebhookSignatureError } from './payment-provider.ts';

/** The configured payment provider, or null: then paid tickets are refused and free ones work. */
export function paymentProviderFrom(config: Pick<Config, 'stripe'>): PaymentProvider | null {
  return config.stripe ? new StripeProvider(config.stripe) : null;
}

/** One provider per node (its HTTP agent and retries are shared by every request). */
export const paymentProvider = perNode((platform: Platform) => ({
  provider: paymentProviderFrom(platform.config),
}));
