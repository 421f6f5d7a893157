import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local HTTP server that speaks the parts of Stripe's API Muster uses — Checkout Sessions
 * (create, retrieve, expire), refunds — with Stripe's form-encoded requests, idempotency keys,
 * bearer authentication and error shape, plus what Stripe does on its side: a buyer completing or
 * abandoning a checkout, announced by a webhook event signed with the endpoint secret (signed by the
 * `stripe` library's own test helper, so the signature format is Stripe's). Tests run Muster's real
 * StripeProvider against it; nothing of Muster's is replaced.
 */
export interface FakeStripe {
  url: string;
  secretKey: string;
  webhookSecret: string;
  sessions: Map<string, FakeSession>;
  refunds: FakeRefund[];
  /** Every request as received (method, path, parsed form body). */
  requests: {
    method: string;
    path: string;
    body: Record<string, unknown>;
    idempotencyKey: string | undefined;
  }[];
  /** The buyer pays: the session completes and a signed `checkout.session.completed` event is made. */
  completeCheckout(sessionId: string): SignedEvent;
  /** The session expires (Stripe's timer, or the buyer left): a signed `checkout.session.expired` event. */
  expireSession(sessionId: string): SignedEvent;
  /** The same event signed again now (Stripe re-delivers with the same event id). */
  resign(event: SignedEvent): SignedEvent;
  /** Makes the next `n` API requests fail with a 500 (a Stripe outage). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  payment_intent: string | null;
  amount_total: number;
  currency: string;
  expires_at: number;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  url: string | null;
  success_url: string;
  cancel_url: string;
  customer_email: string | null;
  livemode: false;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  payment_intent: string;
  amount: number;
  status: 'succeeded';
}

export interface SignedEvent {
  id: string;
  payload: string;
  signature: string;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

/** `a[b][0][c]=1` → `{a: {b: [{c: '1'}]}}`, as Stripe reads its form bodies. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const slot = Array.isArray(node) ? Number(part) : part;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else {
        container[slot] ??= nextIsIndex ? [] : {};
        node = container[slot] as Record<string, unknown> | unknown[];
      }
    });
  }
  return root;
}

export async function startFakeStripe(
  options: { secretKey?: string; webhookSecret?: string } = {},
): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? 'sk_test_fake_muster';
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
  const sessions = new Map<string, FakeSession>();
  const refunds: FakeRefund[] = [];
  const requests: FakeStripe['requests'] = [];
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const signer = new Stripe(secretKey);
  let failures = 0;
  let url = '';

  const error = (status: number, message: string, type = 'invalid_request_error') => ({
    status,
    body: { error: { type, message } },
  });

  function handle(
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): { status: number; body: unknown } {
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const items =
        (body.line_items as {
          quantity: string;
          price_data: { currency: string; unit_amount: string; product_data: { name: string } };
        }[]) ?? [];
      if (items.length === 0) return error(400, 'line_items is required');
      const currency = items[0]!.price_data.currency;
      const expiresAt = Number(body.expires_at ?? Math.floor(Date.now() / 1000) + 86_400);
      if (expiresAt < Math.floor(Date.now() / 1000) + 30 * 60)
        return error(400, 'expires_at must be at least 30 minutes from now');
      const sessionId = id('cs');
      const session: FakeSession = {
        id: sessionId,
        object: 'checkout.session',
        status: 'open',
        payment_status: 'unpaid',
        payment_intent: null,
        amount_total: items.reduce(
          (sum, item) => sum + Number(item.price_data.unit_amount) * Number(item.quantity),
          0,
        ),
        currency,
        expires_at: expiresAt,
        client_reference_id: (body.client_reference_id as string) ?? null,
        metadata: (body.metadata as Record<string, string>) ?? {},
        url: `${url}/pay/${sessionId}`,
        success_url: String(body.success_url),
        cancel_url: String(body.cancel_url),
        customer_email: (body.customer_email as string) ?? null,
        livemode: false,
      };
      sessions.set(sessionId, session);
      return { status: 200, body: session };
    }
    const sessionMatch = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(path);
    if (sessionMatch) {
      const session = sessions.get(sessionMatch[1]!);
      if (!session) return error(404, `No such checkout.session: '${sessionMatch[1]}'`);
      if (method === 'GET' && !sessionMatch[2]) return { status: 200, body: session };
      if (method === 'POST' && sessionMatch[2]) {
        if (session.status !== 'open')
          return error(400, `Only Checkout Sessions with a status of open can be expired.`);
        session.status = 'expired';
        session.url = null;
        return { status: 200, body: session };
      }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const paymentIntent = String(body.payment_intent ?? '');
      const paid = [...sessions.values()].find((s) => s.payment_intent === paymentIntent);
      if (!paid) return error(404, `No such payment_intent: '${paymentIntent}'`);
      if (refunds.some((r) => r.payment_intent === paymentIntent))
        return error(400, `Charge for payment_intent ${paymentIntent} has already been refunded.`);
      const refund: FakeRefund = {
        id: id('re'),
        object: 'refund',
        payment_intent: paymentIntent,
        amount: paid.amount_total,
        status: 'succeeded',
      };
      refunds.push(refund);
      return { status: 200, body: refund };
    }
    return error(404, `Unrecognized request URL (${method}: ${path})`);
  }

  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const body = parseStripeForm(text);
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      requests.push({ method: req.method ?? 'GET', path, body, idempotencyKey });
      let answer: { status: number; body: unknown };
      if (req.headers.authorization !== `Bearer ${secretKey}`)
        answer = error(401, 'Invalid API Key provided');
      else if (failures > 0) {
        failures--;
        answer = error(500, 'An unknown error occurred', 'api_error');
      } else if (idempotencyKey && idempotent.has(idempotencyKey)) answer = idempotent.get(idempotencyKey)!;
      else {
        answer = handle(req.method ?? 'GET', path, body);
        if (idempotencyKey && answer.status < 500) idempotent.set(idempotencyKey, answer);
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': id('req') });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (event: { id: string }): SignedEvent => {
    const payload = JSON.stringify(event, null, 2);
    return {
      id: event.id,
      payload,
      signature: signer.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }),
    };
  };
  const eventOf = (type: string, session: FakeSession) => ({
    id: id('evt'),
    object: 'event',
    api_version: '2025-01-01',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object: { ...session } },
  });

  return {
    url,
    secretKey,
    webhookSecret,
    sessions,
    refunds,
    requests,
    completeCheckout(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      session.status = 'complete';
      session.payment_status = 'paid';
      session.payment_intent ??= id('pi');
      return sign(eventOf('checkout.session.completed', session));
    },
    expireSession(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      session.status = 'expired';
      return sign(eventOf('checkout.session.expired', session));
    },
    resign: (event) => sign(JSON.parse(event.payload)),
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
