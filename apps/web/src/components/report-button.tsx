import type { ReportBody } from '@muster/protocol';
import { useState } from 'react';
import { client } from '../client.ts';
import { describeError } from '../lib/errors.ts';

const REASON: Record<ReportBody['targetType'], string> = {
  question: 'Reported from the Live tab',
  message: 'Reported from a conversation',
  user: 'Reported from a profile',
  post: 'Reported from the feed',
};

/**
 * Sends something to the event's moderators (once per person; the server keeps one report per
 * reporter and target, so a repeat is harmless). Says so in place, for screen readers too.
 */
export function ReportButton({ target }: { target: Omit<ReportBody, 'reason'> }) {
  const [state, setState] = useState<'idle' | 'sent' | string>('idle');
  if (state === 'sent')
    return (
      <p role="status" className="muted">
        Reported to the moderators.
      </p>
    );
  return (
    <>
      <button
        type="button"
        className="link-button report"
        onClick={() =>
          client.api.moderation.report({ ...target, reason: REASON[target.targetType] }).then(
            () => setState('sent'),
            (e: unknown) => setState(describeError(e)),
          )
        }
      >
        Report
      </button>
      {state !== 'idle' ? <p role="alert">{state}</p> : null}
    </>
  );
}
