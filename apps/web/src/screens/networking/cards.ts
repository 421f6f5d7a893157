import type { Connection } from '@muster/protocol';
import { client } from '../../client.ts';

/** The link a card's QR holds: any phone camera opens the app there, and the app asks to connect. */
export const cardLink = (code: string) => `${window.location.origin}/c/${code}`;

/** The code in what a camera read: a card's `/c/<code>` link, or the code itself. */
export function cardCodeOf(scanned: string): string {
  const link = /\/c\/([0-9A-Za-z]{6,40})\/?$/.exec(scanned.trim());
  return (link?.[1] ?? scanned.trim()).slice(0, 40);
}

/** Saves the person's vCard to the device (the browser offers it to the contacts app). */
export async function saveContact(connection: Connection): Promise<void> {
  const vcard = await client.api.networking.vcard(connection.id);
  const url = URL.createObjectURL(new Blob([vcard], { type: 'text/vcard' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${connection.name.replace(/[^\p{L}\p{N} _-]/gu, '').trim() || 'contact'}.vcf`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const connectByCard = (scanned: string, eventId?: string) =>
  client.api.networking.connect({ cardCode: cardCodeOf(scanned), ...(eventId ? { eventId } : {}) });
