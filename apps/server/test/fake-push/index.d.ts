/** One push request as the fake push service accepted it. */
export interface ReceivedPush {
  endpointName: string;
  vapidPublicKey: string;
  topic: string | undefined;
  ttl: number | undefined;
  urgency: string | undefined;
  contentEncoding: string | undefined;
  body: Buffer;
}
export interface FakePushService {
  url: string;
  /** The endpoint a browser would get for `name` (a subscription of one device). */
  endpointFor(name: string): string;
  received: ReceivedPush[];
  /** Answer this status to `name`'s endpoint from now on (410: the subscription is gone). */
  setStatus(name: string, code: number): void;
  close(): Promise<void>;
}
/** A local push service for tests: it verifies VAPID like a real one and keeps what it got. */
export declare function startFakePushService(): Promise<FakePushService>;
/** A browser's subscription keys (P-256 key pair, 16-byte auth secret) and the way to open its pushes. */
export declare function createSubscriptionKeys(): {
  keys: {
    p256dh: string;
    auth: string;
  };
  decrypt: (body: Buffer) => string;
};
