import type { Module } from '../../platform/module.ts';
import { ticketJobs } from './tickets.jobs.ts';
import { ticketRoutes } from './tickets.routes.ts';

export {
  findTicket,
  issueTickets,
  presentTickets,
  type TicketRow,
  type TicketsToIssue,
} from './tickets.issue.ts';
export { eventPublicKeys, eventSigningKey, signTicketCode, verifyTicketCode } from './tickets.signing.ts';
export {
  eventTicketKeys,
  orders,
  paymentEvents,
  ticketQuotas,
  tickets,
  ticketTypes,
} from './tickets.tables.ts';

/** Ticket types, orders, payments and issued tickets (PRODUCT F1–F3). */
export const ticketsModule: Module = { name: 'tickets', routes: ticketRoutes, jobs: ticketJobs };
