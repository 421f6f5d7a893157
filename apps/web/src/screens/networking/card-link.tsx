import type { Connection } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { describeError } from '../../lib/errors.ts';
import { connectByCard, saveContact } from './cards.ts';
import { ConnectedNote } from './connected-note.tsx';

/** Where a card's QR lands when a phone's own camera scans it: the request, made. */
export function CardLinkScreen() {
  const { code = '' } = useParams<{ code: string }>();
  const [met, setMet] = useState<Connection | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    connectByCard(code).then(setMet, (caught: unknown) => setError(describeError(caught)));
  }, [code]);
  return (
    <Page title="Connect">
      {!met && !error ? <p role="status">Connecting…</p> : null}
      {met ? (
        <ConnectedNote
          connection={met}
          onSave={() => void saveContact(met).catch((e: unknown) => setError(describeError(e)))}
        />
      ) : null}
      <FormError error={error} />
      <Link href="/card" className="button">
        Show my card
      </Link>
    </Page>
  );
}
