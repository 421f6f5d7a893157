import type { CheckpointClaimed } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { describeError } from '../../lib/errors.ts';
import { claimCode, claimMessage } from './claim.ts';
import './engagement.css';

/** Where a checkpoint's printed QR lands when a phone's own camera scans it: the find, claimed. */
export function ClaimLinkScreen() {
  const { code = '' } = useParams<{ code: string }>();
  const [claimed, setClaimed] = useState<CheckpointClaimed | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    claimCode(code).then(setClaimed, (caught: unknown) => setError(describeError(caught)));
  }, [code]);
  return (
    <Page title="Checkpoint">
      {!claimed && !error ? <p role="status">Claiming…</p> : null}
      {claimed ? (
        <>
          <p className="claim-result" role="status" data-testid="claim-result">
            {claimMessage(claimed)}
          </p>
          <p className="link-row">
            <Link href={`/events/${claimed.eventId}/hunt`} className="button primary">
              Next clue
            </Link>
            <Link href={`/events/${claimed.eventId}/leaderboard`} className="button">
              Leaderboard
            </Link>
          </p>
        </>
      ) : null}
      <FormError error={error} />
    </Page>
  );
}
