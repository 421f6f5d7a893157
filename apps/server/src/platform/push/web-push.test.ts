import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import {
  createSubscriptionKeys,
  type FakePushService,
  startFakePushService,
} from '../../../test/fake-push/index.ts';
import { createPushSender, MAX_PAYLOAD_BYTES, pushTopic } from './web-push.ts';

const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:admin@example.test' };
const sender = createPushSender(async () => vapid);
const options = { topic: pushTopic('session:42'), ttlSeconds: 600, urgency: 'high' as const };

describe('web push transport', () => {
  let service: FakePushService;
  beforeAll(async () => {
    service = await startFakePushService();
  });
  afterAll(() => service.close());

  it('reaches the push service signed with our VAPID key, with the payload only the browser can read', async () => {
    const browser = createSubscriptionKeys();
    const payload = { title: 'Room changed', url: '/e/1', n: 'ü' };
    const outcome = await sender.send(
      { endpoint: service.endpointFor('a'), keys: browser.keys },
      payload,
      options,
    );
    expect(outcome).toEqual({ status: 'sent' });
    const got = service.received.find((r) => r.endpointName === 'a')!;
    expect(got.vapidPublicKey).toBe(vapid.publicKey);
    expect(got).toMatchObject({
      topic: options.topic,
      ttl: 600,
      urgency: 'high',
      contentEncoding: 'aes128gcm',
    });
    expect(browser.decrypt(got.body)).toBe(JSON.stringify(payload));
  });

  it('answers gone for 404 and 410, a retryable failure for 500 and 429, a final one for 400', async () => {
    const send = (name: string, code: number) => {
      service.setStatus(name, code);
      return sender.send(
        { endpoint: service.endpointFor(name), keys: createSubscriptionKeys().keys },
        {},
        options,
      );
    };
    expect(await send('gone', 410)).toEqual({ status: 'gone' });
    expect(await send('missing', 404)).toEqual({ status: 'gone' });
    expect(await send('down', 500)).toMatchObject({ status: 'failed', retryable: true, statusCode: 500 });
    expect(await send('busy', 429)).toMatchObject({ status: 'failed', retryable: true, statusCode: 429 });
    expect(await send('bad', 400)).toMatchObject({ status: 'failed', retryable: false, statusCode: 400 });
  });

  it('answers a retryable failure when the push service cannot be reached', async () => {
    const outcome = await sender.send(
      { endpoint: 'http://127.0.0.1:1/push/x', keys: createSubscriptionKeys().keys },
      {},
      options,
    );
    expect(outcome).toMatchObject({ status: 'failed', retryable: true });
  });

  it('refuses a payload over the limit before sending anything', async () => {
    const before = service.received.length;
    const payload = { text: 'x'.repeat(MAX_PAYLOAD_BYTES) };
    await expect(
      sender.send(
        { endpoint: service.endpointFor('big'), keys: createSubscriptionKeys().keys },
        payload,
        options,
      ),
    ).rejects.toThrow(/over 3000/);
    expect(service.received.length).toBe(before);
  });

  it('pushTopic gives at most 32 URL-safe characters, the same for the same key', () => {
    const topic = pushTopic('a very long key that would never fit in a Topic header: session 42, event 7');
    expect(topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(pushTopic('k')).toBe(pushTopic('k'));
    expect(pushTopic('k')).not.toBe(pushTopic('l'));
  });
});
