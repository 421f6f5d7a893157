import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { belongsTo, instant, refersTo, stampedAt, timestamptz } from '../../platform/db/columns.ts';
import { events } from '../events/events.tables.ts';
import { users } from '../identity/identity.tables.ts';

/** A seat limit shared by several ticket types of one event (PRODUCT F1). */
export const ticketQuotas = pgTable('ticket_quotas', {
  id: uuid('id').primaryKey(),
  eventId: belongsTo('event_id', () => events.id),
  name: text('name').notNull(),
  capacity: integer('capacity').notNull(),
  createdAt: stampedAt('created_at'),
});

/**
 * What is sold (PRODUCT F1). `sold` counts issued and held seats and is changed only by the order
 * transaction under this row's lock (`select … for update`), so 200 buyers of the last 50 seats get
 * exactly 50; a hold that expires gives its seats back in the same way.
 */
export const ticketTypes = pgTable(
  'ticket_types',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    name: text('name').notNull(),
    description: text('description'),
    priceCents: integer('price_cents').notNull().default(0),
    currency: text('currency').notNull(),
    quantity: integer('quantity').notNull(),
    sold: integer('sold').notNull().default(0),
    salesStart: instant('sales_start'),
    salesEnd: instant('sales_end'),
    perPersonLimit: integer('per_person_limit'),
    quotaId: uuid('quota_id').references(() => ticketQuotas.id, { onDelete: 'set null' }),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    index('ticket_types_event_idx').on(t.eventId),
    check('ticket_types_sold_within', sql`${t.sold} >= 0 and ${t.sold} <= ${t.quantity}`),
    check('ticket_types_price', sql`${t.priceCents} >= 0`),
  ],
);

/** pending (seats held until `hold_expires_at`) → paid | expired | cancelled → refunded. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    status: text('status').notNull(),
    totalCents: integer('total_cents').notNull(),
    currency: text('currency'),
    items: jsonb('items')
      .$type<{ ticketTypeId: string; quantity: number; unitPriceCents: number }[]>()
      .notNull(),
    holdExpiresAt: timestamptz('hold_expires_at'),
    /** The payment provider's checkout session and payment (for refunds), once created. */
    provider: text('provider'),
    providerSessionId: text('provider_session_id'),
    providerPaymentId: text('provider_payment_id'),
    checkoutUrl: text('checkout_url'),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    index('orders_user_idx').on(t.userId, t.createdAt),
    index('orders_event_idx').on(t.eventId, t.status),
    index('orders_hold_idx').on(t.status, t.holdExpiresAt),
    uniqueIndex('orders_provider_session_idx').on(t.provider, t.providerSessionId),
  ],
);

/** An issued ticket; `void` ones stay (their ids are on the revocation list). */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey(),
    eventId: belongsTo('event_id', () => events.id),
    ticketTypeId: belongsTo('ticket_type_id', () => ticketTypes.id),
    orderId: belongsTo('order_id', () => orders.id),
    holderId: refersTo('holder_id', () => users.id),
    holderName: text('holder_name').notNull(),
    /** valid | void */
    status: text('status').notNull().default('valid'),
    /** The signing key's id within the event, carried in the code. */
    keyId: smallint('key_id').notNull(),
    /** The signed code (`MT1.…`): deterministic for (key, event, ticket), kept to serve it as is. */
    code: text('code').notNull(),
    issuedAt: stampedAt('issued_at'),
    voidedAt: timestamptz('voided_at'),
    /** The ticket this one replaced (re-issue). */
    replacesId: uuid('replaces_id'),
  },
  (t) => [
    index('tickets_event_idx').on(t.eventId, t.status),
    index('tickets_holder_idx').on(t.holderId),
    index('tickets_order_idx').on(t.orderId),
  ],
);

/**
 * An event's Ed25519 ticket-signing keys (PKCS#8 / SPKI DER, base64url). The private key stays in
 * the database, like every other secret of the event's data; `key_id` is the byte in each code so
 * a key can be replaced without invalidating tickets signed with the old one.
 */
export const eventTicketKeys = pgTable(
  'event_ticket_keys',
  {
    eventId: belongsTo('event_id', () => events.id),
    keyId: smallint('key_id').notNull(),
    publicKey: text('public_key').notNull(),
    privateKey: text('private_key').notNull(),
    createdAt: stampedAt('created_at'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.keyId] })],
);

/**
 * Payment provider events already applied (PRODUCT F2): the webhook inserts the event id in the
 * same transaction as its effect, so a delivery repeated by the provider changes nothing.
 */
export const paymentEvents = pgTable(
  'payment_events',
  {
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    orderId: uuid('order_id'),
    /** What it did: issued, refunded, expired, ignored… */
    outcome: text('outcome').notNull(),
    receivedAt: stampedAt('received_at'),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);
