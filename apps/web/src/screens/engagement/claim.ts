import type { CheckpointClaimed } from '@muster/protocol';
import { client } from '../../client.ts';

/** The code in what a camera read: a printed QR holds a `/h/<code>` link to the app; a label, the code. */
export function huntCodeOf(scanned: string): string {
  const link = /\/h\/([0-9A-Za-z-]{4,40})\/?$/.exec(scanned.trim());
  return (link?.[1] ?? scanned).trim().slice(0, 40);
}

/** The link a checkpoint's printed QR opens: scanned by any phone camera, it lands in the app. */
export const huntLink = (code: string) => `${window.location.origin}/h/${code}`;

/** What a claim answered, as a sentence for the person holding the phone. */
export function claimMessage(claimed: CheckpointClaimed): string {
  const progress = `${claimed.found} of ${claimed.total} found`;
  return claimed.alreadyFound
    ? `You already found ${claimed.checkpoint.name} (${progress}).`
    : `Found ${claimed.checkpoint.name}! +${claimed.points} points · ${progress}`;
}

export const claimCode = (scanned: string) => client.api.engagement.claim(huntCodeOf(scanned));
