import type { TicketType } from '@muster/protocol';
import { useState } from 'react';
import { client } from '../../client.ts';
import { describeError } from '../../lib/errors.ts';

/** Organisers add a ticket type: name, price (0 = free), currency, how many, a per-person limit. */
export function TicketTypeForm({
  eventId,
  onCreated,
}: {
  eventId: string;
  onCreated(type: TicketType): void;
}) {
  const [name, setName] = useState('');
  const [price, setPrice] = useState('0');
  const [currency, setCurrency] = useState('EUR');
  const [quantity, setQuantity] = useState('100');
  const [limit, setLimit] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    const cents = Math.round(Number(price.replace(',', '.')) * 100);
    if (!Number.isFinite(cents) || cents < 0) return setError('The price must be a number, 0 for free.');
    try {
      const created = await client.api.tickets.createType(eventId, {
        name: name.trim(),
        priceCents: cents,
        currency: currency.trim().toUpperCase(),
        quantity: Number(quantity),
        ...(limit ? { perPersonLimit: Number(limit) } : {}),
      });
      setName('');
      onCreated(created);
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <details className="panel">
      <summary>Add a ticket type</summary>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Name
          <input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Price (0 for free)
          <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
        </label>
        <label>
          Currency
          <input maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} />
        </label>
        <label>
          How many
          <input type="number" min={1} value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        </label>
        <label>
          At most per person (optional)
          <input type="number" min={1} max={20} value={limit} onChange={(e) => setLimit(e.target.value)} />
        </label>
        <button type="submit" className="button primary">
          Add
        </button>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
      </form>
    </details>
  );
}
