import type { Order, TicketType } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { client } from '../../client.ts';
import { Page } from '../../components/page.tsx';
import { useCanManage, useEvent } from '../../hooks/event.ts';
import { useOnline, useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import { formatPrice } from './price.ts';
import { TicketTypeForm } from './ticket-type-form.tsx';
import './tickets.css';

/**
 * An event's tickets: what is on sale, how many are left, and one button to get them. Free tickets
 * arrive at once (My tickets); paid ones go to the payment page while the seats are held.
 */
export function TicketShopScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const manager = useCanManage(event);
  const online = useOnline();
  const [, navigate] = useLocation();
  const live = useSelect((t) => Object.values(t.ticketTypes).filter((type) => type.eventId === id), [id]);
  const [loaded, setLoaded] = useState<TicketType[] | null>(null);
  const [wanted, setWanted] = useState<Record<string, number>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [pending, setPending] = useState<Order | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id || !online) return;
    client.api.tickets.types(id).then(
      (answer) => setLoaded(answer.items),
      (e) => setStatus(describeError(e)),
    );
  }, [id, online]);

  // What came live on the event scope replaces what was loaded (availability moves while I look).
  const types = (loaded ?? []).map(
    (type) => live.find((l) => l.id === type.id && l.updatedAt >= type.updatedAt) ?? type,
  );
  const total = types.reduce((sum, type) => sum + type.priceCents * (wanted[type.id] ?? 0), 0);
  const count = Object.values(wanted).reduce((a, b) => a + b, 0);
  const currency = types.find((type) => (wanted[type.id] ?? 0) > 0)?.currency ?? types[0]?.currency ?? 'EUR';

  const buy = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const items = Object.entries(wanted)
        .filter(([, quantity]) => quantity > 0)
        .map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
      const order = await client.api.tickets.order(id, { items });
      client.store.load((draft) => {
        draft.write('orders')[order.id] = order;
        for (const ticket of order.tickets) draft.write('tickets')[ticket.id] = ticket;
      });
      if (order.status === 'paid') navigate(`/tickets?event=${id}`);
      else if (order.checkoutUrl) {
        setPending(order);
        window.location.assign(order.checkoutUrl);
      }
    } catch (e) {
      setStatus(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page
      title={event ? `Tickets · ${event.title}` : 'Tickets'}
      back={{ href: `/events/${id}`, label: 'Event' }}
    >
      {!online && loaded === null ? (
        <p className="muted">Tickets can be bought when you are online.</p>
      ) : null}
      {loaded !== null && types.length === 0 ? (
        <p className="muted">This event has no tickets on sale.</p>
      ) : null}
      <ul className="cards ticket-types" aria-label="Ticket types">
        {types.map((type) => (
          <li key={type.id} className="card ticket-type" data-testid="ticket-type">
            <div className="ticket-type-head">
              <h2>{type.name}</h2>
              <strong className="price">
                {type.priceCents === 0 ? 'Free' : formatPrice(type.priceCents, type.currency)}
              </strong>
            </div>
            {type.description ? <p className="muted">{type.description}</p> : null}
            <p className="meta">{availabilityText(type, event?.timezone)}</p>
            {type.status === 'on_sale' ? (
              <Stepper
                label={type.name}
                value={wanted[type.id] ?? 0}
                max={Math.min(type.available, type.perPersonLimit ?? 20, 20)}
                onChange={(value) => setWanted((w) => ({ ...w, [type.id]: value }))}
              />
            ) : null}
          </li>
        ))}
      </ul>
      {count > 0 ? (
        <div className="buy-bar">
          <p>
            {count} {count === 1 ? 'ticket' : 'tickets'} ·{' '}
            <strong>{total === 0 ? 'Free' : formatPrice(total, currency)}</strong>
          </p>
          <button
            type="button"
            className="button primary"
            disabled={busy || !online}
            onClick={() => void buy()}
          >
            {total === 0 ? 'Get tickets' : 'Pay'}
          </button>
        </div>
      ) : null}
      {pending ? (
        <p role="status">
          Taking you to payment… your seats are held until{' '}
          {formatDateTime(pending.holdExpiresAt!, event?.timezone ?? 'UTC')}.
        </p>
      ) : null}
      {status ? (
        <p role="alert" className="error">
          {status}
        </p>
      ) : null}
      <p>
        <Link href={`/tickets?event=${id}`}>My tickets</Link>
      </p>
      {manager ? (
        <TicketTypeForm eventId={id} onCreated={(type) => setLoaded((list) => [...(list ?? []), type])} />
      ) : null}
    </Page>
  );
}

function availabilityText(type: TicketType, timeZone = 'UTC'): string {
  if (type.status === 'sold_out') return 'Sold out';
  if (type.status === 'ended') return 'Sales have ended';
  if (type.status === 'scheduled' && type.salesStart)
    return `On sale from ${formatDateTime(type.salesStart, timeZone)}`;
  return type.available <= 20 ? `${type.available} left` : 'Available';
}

/** − n + with one thumb; the number is announced. */
function Stepper({
  label,
  value,
  max,
  onChange,
}: {
  label: string;
  value: number;
  max: number;
  onChange(value: number): void;
}) {
  return (
    <fieldset className="stepper">
      <legend className="visually-hidden">How many {label}</legend>
      <button
        type="button"
        className="button"
        aria-label={`One fewer ${label}`}
        disabled={value <= 0}
        onClick={() => onChange(value - 1)}
      >
        −
      </button>
      <output aria-live="polite">{value}</output>
      <button
        type="button"
        className="button"
        aria-label={`One more ${label}`}
        disabled={value >= max}
        onClick={() => onChange(value + 1)}
      >
        +
      </button>
    </fieldset>
  );
}
