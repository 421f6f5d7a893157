import type { Connection, ContactCard } from '@muster/protocol';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { describeError } from '../../lib/errors.ts';
import { QrCode } from '../live/qr-code.tsx';
import { cardLink, connectByCard, saveContact } from './cards.ts';
import { ConnectedNote } from './connected-note.tsx';
import './networking.css';

const CameraScanner = lazy(() => import('../door/camera.tsx').then((m) => ({ default: m.CameraScanner })));

/**
 * My card as a QR to show, and the camera to scan someone else's: a scan asks to connect, and
 * the two are connected once both have scanned (or the other accepts). `?event=<id>` credits the
 * meeting to that event.
 */
export function CardScreen() {
  const eventId = new URLSearchParams(useSearch()).get('event') ?? undefined;
  const [card, setCard] = useState<ContactCard | null>(null);
  const [scanning, setScanning] = useState(false);
  const [met, setMet] = useState<Connection | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    client.api.networking.card().then(setCard, (caught: unknown) => setError(describeError(caught)));
  }, []);

  async function scanned(code: string) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setMet(await connectByCard(code, eventId));
      setScanning(false);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="My card" back={{ href: eventId ? `/events/${eventId}/people` : '/profile', label: 'Back' }}>
      <p className="meta">Let someone scan this to connect. Scan theirs back and you are connected.</p>
      {card ? (
        <figure className="my-card">
          <QrCode url={cardLink(card.code)} label="My card’s QR code" />
          <figcaption className="card-code" data-testid="card-code">
            {card.code}
          </figcaption>
        </figure>
      ) : (
        <p role="status">Loading…</p>
      )}
      <button type="button" className="button primary" onClick={() => setScanning((on) => !on)}>
        {scanning ? 'Close the camera' : 'Scan someone’s card'}
      </button>
      {scanning ? (
        <Suspense fallback={<p role="status">Starting the camera…</p>}>
          <CameraScanner onCode={(code) => void scanned(code)} />
        </Suspense>
      ) : null}
      <FormError error={error} />
      {met ? (
        <ConnectedNote
          connection={met}
          onSave={() => void saveContact(met).catch((e: unknown) => setError(describeError(e)))}
        />
      ) : null}
      <Link href="/connections" className="button">
        My connections
      </Link>
    </Page>
  );
}
