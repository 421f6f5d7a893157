import type { Ticket } from '@muster/protocol';
import { generate } from 'lean-qr';
import { toSvgDataURL } from 'lean-qr/extras/svg';
import { useEffect, useMemo } from 'react';
import { useSearch } from 'wouter';
import { client } from '../../client.ts';
import { Page } from '../../components/page.tsx';
import { useOnline, useSelect } from '../../hooks/store.ts';
import { formatDateTime } from '../../lib/time.ts';
import './tickets.css';

/**
 * My tickets, each a large QR the door scans. They live in the local store (and its saved copy), so
 * they open in a basement with no signal; the list is refreshed whenever the app is online.
 */
export function MyTicketsScreen() {
  const eventId = new URLSearchParams(useSearch()).get('event');
  const online = useOnline();
  const tickets = useSelect(
    (t) =>
      Object.values(t.tickets)
        .filter((ticket) => !eventId || ticket.eventId === eventId)
        .sort(
          (a, b) =>
            Number(a.status === 'void') - Number(b.status === 'void') || a.issuedAt.localeCompare(b.issuedAt),
        ),
    [eventId],
  );
  const events = useSelect((t) => t.events);
  useEffect(() => {
    if (!online) return;
    client.api.tickets.mine().then(
      (answer) =>
        client.store.load((draft) => {
          for (const ticket of answer.items) draft.write('tickets')[ticket.id] = ticket;
        }),
      () => undefined,
    );
  }, [online]);
  return (
    <Page
      title="My tickets"
      back={eventId ? { href: `/events/${eventId}`, label: 'Event' } : { href: '/profile', label: 'Profile' }}
    >
      {tickets.length === 0 ? <p className="muted">No tickets yet. Get them on an event's page.</p> : null}
      <p className="muted brightness-hint">Turn your screen brightness up at the door.</p>
      <ul className="ticket-list">
        {tickets.map((ticket) => {
          const event = events[ticket.eventId];
          return (
            <TicketCard
              key={ticket.id}
              ticket={ticket}
              eventTitle={event?.title}
              when={event ? formatDateTime(event.startsAt, event.timezone) : undefined}
            />
          );
        })}
      </ul>
    </Page>
  );
}

function TicketCard({
  ticket,
  eventTitle,
  when,
}: {
  ticket: Ticket;
  eventTitle: string | undefined;
  when: string | undefined;
}) {
  const src = useMemo(
    () => toSvgDataURL(generate(ticket.qr), { on: 'black', off: 'white', padX: 4, padY: 4 }),
    [ticket.qr],
  );
  const voided = ticket.status === 'void';
  return (
    <li className={voided ? 'ticket-card void' : 'ticket-card'} data-testid="ticket-card">
      <div className="ticket-card-head">
        <strong>{eventTitle ?? 'Event'}</strong>
        {when ? <span className="meta">{when}</span> : null}
      </div>
      {voided ? (
        <p className="ticket-void" role="note">
          This ticket was cancelled or replaced.
        </p>
      ) : (
        <img
          className="ticket-qr"
          src={src}
          alt={`Ticket for ${ticket.holderName}, ${ticket.ticketTypeName}`}
          data-testid="ticket-qr"
        />
      )}
      <p className="ticket-holder">{ticket.holderName}</p>
      <p className="meta">{ticket.ticketTypeName}</p>
      <details>
        <summary>Code for typing in</summary>
        <code className="ticket-code">{ticket.qr}</code>
      </details>
    </li>
  );
}
