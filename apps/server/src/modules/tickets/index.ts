import type { Module } from '../../platform/module.ts';

export {
  findTicket,
  issueTickets,
  presentTickets,
  type TicketRow,
  type TicketsToIssue,
} from './tickets.issue.ts';
export { eventPublicKeys, eventSigningKey, signTicketCode, verifyTicketCode } from './tickets.signing.ts';
export { eventTicketKeys, orders, ticketQuotas, tickets, ticketTypes } from './tickets.tables.ts';

/** Ticket types, orders, payments and issued tickets (PRODUCT F1–F3); routes come with the orders. */
export const ticketsModule: Module = { name: 'tickets' };
