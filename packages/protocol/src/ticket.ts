import { type Static, Type } from 'typebox';
import { Id, Name, ShortText, Timestamp } from './common.ts';

/**
 * Tickets (PRODUCT F1–F3). A ticket type is sold in orders; a paid order holds its seats until
 * `holdExpiresAt` while the buyer pays through the payment provider; a paid (or free) order issues
 * tickets, each with a QR code signed with the event's Ed25519 key (see ticket-code.ts).
 */
export const MAX_PRICE_CENTS = 100_000_000;
export const MAX_TICKETS_PER_ORDER = 20;
export const MAX_ORDER_LINES = 10;

/** ISO 4217, upper case ("EUR"). */
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3 });

export const TicketTypeStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('on_sale'),
  Type.Literal('sold_out'),
  Type.Literal('ended'),
]);
export type TicketTypeStatus = Static<typeof TicketTypeStatus>;

export const TicketType = Type.Object({
  id: Id,
  eventId: Id,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  /** 0 for a free ticket. */
  priceCents: Type.Integer(),
  currency: Type.String(),
  quantity: Type.Integer(),
  /** Seats neither issued nor held, also bounded by the type's quota and the event's capacity. */
  available: Type.Integer(),
  salesStart: Type.Union([Timestamp, Type.Null()]),
  salesEnd: Type.Union([Timestamp, Type.Null()]),
  perPersonLimit: Type.Union([Type.Integer(), Type.Null()]),
  /** A quota shared with other types of the event (e.g. "early bird + regular ≤ 300"). */
  quotaId: Type.Union([Id, Type.Null()]),
  status: TicketTypeStatus,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TicketType = Static<typeof TicketType>;

const ticketTypeFields = {
  name: Name(120),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  priceCents: Type.Integer({ minimum: 0, maximum: MAX_PRICE_CENTS }),
  currency: Currency,
  quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  salesStart: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  salesEnd: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  perPersonLimit: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: MAX_TICKETS_PER_ORDER }), Type.Null()]),
  ),
  quotaId: Type.Optional(Type.Union([Id, Type.Null()])),
};

export const CreateTicketTypeBody = Type.Object(ticketTypeFields, { additionalProperties: false });
export type CreateTicketTypeBody = Static<typeof CreateTicketTypeBody>;

/** Price and currency are fixed once a ticket of the type was sold; the rest stays editable. */
export const UpdateTicketTypeBody = Type.Partial(
  Type.Object(ticketTypeFields, { additionalProperties: false }),
  {
    additionalProperties: false,
    minProperties: 1,
  },
);
export type UpdateTicketTypeBody = Static<typeof UpdateTicketTypeBody>;

/** A seat limit shared by several ticket types of one event. */
export const TicketQuota = Type.Object({
  id: Id,
  eventId: Id,
  name: Type.String(),
  capacity: Type.Integer(),
});
export type TicketQuota = Static<typeof TicketQuota>;
export const CreateTicketQuotaBody = Type.Object(
  { name: Name(120), capacity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) },
  { additionalProperties: false },
);
export type CreateTicketQuotaBody = Static<typeof CreateTicketQuotaBody>;

export const OrderStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('paid'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
  Type.Literal('refunded'),
]);
export type OrderStatus = Static<typeof OrderStatus>;

export const CreateOrderBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { ticketTypeId: Id, quantity: Type.Integer({ minimum: 1, maximum: MAX_TICKETS_PER_ORDER }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_ORDER_LINES },
    ),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const TicketStatus = Type.Union([Type.Literal('valid'), Type.Literal('void')]);
export type TicketStatus = Static<typeof TicketStatus>;

/** A ticket as its holder sees it (on `user:<holderId>`), with the signed QR string. */
export const Ticket = Type.Object({
  id: Id,
  eventId: Id,
  ticketTypeId: Id,
  ticketTypeName: Type.String(),
  orderId: Id,
  holderName: Type.String(),
  status: TicketStatus,
  /** The signed code to render as a QR (ticket-code.ts); verified offline with the event's key. */
  qr: Type.String(),
  issuedAt: Timestamp,
});
export type Ticket = Static<typeof Ticket>;

export const Order = Type.Object({
  id: Id,
  eventId: Id,
  userId: Id,
  status: OrderStatus,
  totalCents: Type.Integer(),
  currency: Type.Union([Type.String(), Type.Null()]),
  items: Type.Array(
    Type.Object({ ticketTypeId: Id, quantity: Type.Integer(), unitPriceCents: Type.Integer() }),
  ),
  /** Where the buyer pays (payment provider's hosted checkout); null for free or settled orders. */
  checkoutUrl: Type.Union([Type.String(), Type.Null()]),
  /** Pending orders: the seats are held until then. */
  holdExpiresAt: Type.Union([Timestamp, Type.Null()]),
  tickets: Type.Array(Ticket),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Order = Static<typeof Order>;

export const TicketList = Type.Object({ items: Type.Array(Ticket) });
export type TicketList = Static<typeof TicketList>;

/** The event's ticket-signing keys and the tickets no longer valid: all a scanner needs offline. */
export const CheckinKeys = Type.Object({
  eventId: Id,
  algorithm: Type.Literal('Ed25519'),
  /** Raw 32-byte public keys, base64url; `keyId` is the byte carried in each code. */
  keys: Type.Array(
    Type.Object({ keyId: Type.Integer({ minimum: 0, maximum: 255 }), publicKey: Type.String() }),
  ),
  /** Ids of voided or re-issued tickets. */
  revoked: Type.Array(Id),
  at: Timestamp,
});
export type CheckinKeys = Static<typeof CheckinKeys>;

/** Data of `checkin.ticketRevoked` on `door:<eventId>`: one more entry of the revocation list. */
export const TicketRevocation = Type.Object({ ticketId: Id, eventId: Id, revokedAt: Timestamp });
export type TicketRevocation = Static<typeof TicketRevocation>;

/** `POST /tickets/:id/reissue`: the old ticket is voided (revoked) and a new one issued. */
export const ReissueTicketBody = Type.Object(
  { holderName: Type.Optional(ShortText(120)) },
  { additionalProperties: false },
);
export type ReissueTicketBody = Static<typeof ReissueTicketBody>;
