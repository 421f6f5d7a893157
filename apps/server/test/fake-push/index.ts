import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

/** One push request as the fake push service accepted it. */
export interface ReceivedPush {
  endpointName: string;
  vapidPublicKey: string;
  topic: string | undefined;
  ttl: number | undefined;
  urgency: string | undefined;
  contentEncoding: string | undefined;
  body: Buffer;
  /** Date.now() when it arrived. */
  receivedAt: number;
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

const b64 = (text: string) => Buffer.from(text, 'base64url');

/**
 * Checks `Authorization: vapid t=<jwt>, k=<key>` as a push service does (RFC 8292): an ES256 JWT
 * signed by the key in `k`, for this service's origin, expiring within 24 hours. Answers why not.
 */
function vapidProblem(header: string | undefined, origin: string): { problem: string } | { key: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) return { problem: 'no vapid authorization' };
  const [, jwt, key] = match as unknown as [string, string, string];
  const [head, claims, signature] = jwt.split('.');
  if (!head || !claims || !signature) return { problem: 'malformed jwt' };
  const point = b64(key);
  if (point.length !== 65 || point[0] !== 4) return { problem: 'k is not an uncompressed P-256 point' };
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    b64(signature),
  );
  if (!signed) return { problem: 'bad signature' };
  const { alg } = JSON.parse(b64(head).toString()) as { alg?: string };
  const { aud, exp, sub } = JSON.parse(b64(claims).toString()) as {
    aud?: string;
    exp?: number;
    sub?: string;
  };
  const now = Date.now() / 1000;
  if (alg !== 'ES256') return { problem: 'alg is not ES256' };
  if (aud !== origin) return { problem: `aud ${aud} is not ${origin}` };
  if (!exp || exp < now || exp > now + 24 * 3600) return { problem: 'exp missing, past or over 24 h ahead' };
  if (!sub) return { problem: 'sub missing' };
  return { key };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A local push service for tests: it verifies VAPID like a real one and keeps what it got. */
export async function startFakePushService(): Promise<FakePushService> {
  const received: ReceivedPush[] = [];
  const statuses = new Map<string, number>();
  let origin = '';
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const name = decodeURIComponent(request.url?.replace(/^\/push\//, '') ?? '');
    const vapid = vapidProblem(request.headers.authorization, origin);
    if ('problem' in vapid) {
      response.writeHead(403).end(vapid.problem);
      return;
    }
    const header = (h: string) => request.headers[h] as string | undefined;
    received.push({
      endpointName: name,
      vapidPublicKey: vapid.key,
      topic: header('topic'),
      ttl: header('ttl') === undefined ? undefined : Number(header('ttl')),
      urgency: header('urgency'),
      contentEncoding: header('content-encoding'),
      body,
      receivedAt: Date.now(),
    });
    response.writeHead(statuses.get(name) ?? 201).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    endpointFor: (name) => `${origin}/push/${encodeURIComponent(name)}`,
    received,
    setStatus: (name, code) => statuses.set(name, code),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A browser's subscription keys (P-256 key pair, 16-byte auth secret) and the way to open its pushes. */
export function createSubscriptionKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  return {
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
    decrypt: (body: Buffer): string =>
      ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString('utf8'),
  };
}
