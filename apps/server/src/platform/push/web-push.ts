import { createHash } from 'node:crypto';
import type WebPush from 'web-push';
import { lazyRequire } from '../lazy-require.ts';
import type { VapidDetails } from './vapid.ts';

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushOptions {
  /** RFC 8030 Topic: a newer push with the same topic replaces an undelivered older one. */
  topic: string;
  /** Seconds the push service keeps an undelivered push; always set (web-push's default is 4 weeks). */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
}

export type PushOutcome =
  | { status: 'sent' }
  /** 404/410: the browser dropped the subscription; the caller removes it. */
  | { status: 'gone' }
  | { status: 'failed'; retryable: boolean; statusCode?: number; message: string };

export interface PushSender {
  send(target: PushTarget, payload: object, options: PushOptions): Promise<PushOutcome>;
}

// Loaded when a push is sent or keys are first made, not at every start.
const loadWebPush = lazyRequire<typeof WebPush>('web-push');

/** Push services accept about 4 KB of encrypted payload; ours stays well under. */
export const MAX_PAYLOAD_BYTES = 3000;
const TIMEOUT_MS = 5000;

/** A Topic from any key: at most 32 characters of the URL-safe base64 alphabet (RFC 8030 §5.4). */
export function pushTopic(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}

/**
 * Web Push through the `web-push` library: it signs the VAPID JWT and encrypts the payload
 * (aes128gcm) into a request; we send that request ourselves with `fetch`, which takes a timeout
 * and any endpoint the browser gave (the library's own sender speaks HTTPS only).
 */
export function createPushSender(vapid: () => Promise<VapidDetails>): PushSender {
  return {
    async send(target, payload, options) {
      const body = JSON.stringify(payload);
      if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES)
        throw new Error(`push payload of ${Buffer.byteLength(body)} bytes is over ${MAX_PAYLOAD_BYTES}`);
      const keys = await vapid();
      const request = loadWebPush().generateRequestDetails(target, body, {
        vapidDetails: keys,
        TTL: options.ttlSeconds,
        urgency: options.urgency,
        topic: options.topic,
        contentEncoding: 'aes128gcm',
      });
      let response: Response;
      try {
        response = await fetch(request.endpoint, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: request.body as Buffer,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        return { status: 'failed', retryable: true, message: (error as Error).message };
      }
      await response.body?.cancel();
      if (response.ok) return { status: 'sent' };
      if (response.status === 404 || response.status === 410) return { status: 'gone' };
      return {
        status: 'failed',
        retryable: response.status === 429 || response.status >= 500,
        statusCode: response.status,
        message: `push service answered ${response.status}`,
      };
    },
  };
}
