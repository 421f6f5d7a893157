import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import {
  decodeTicketCode,
  encodeTicketCode,
  fromBase64Url,
  type TicketCodeFields,
  ticketCodeMessage,
  toBase64Url,
} from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { eventTicketKeys } from './tickets.tables.ts';

/**
 * The event's Ed25519 keys (PRODUCT F3): created on first use, one per event for now (`keyId` 0);
 * the id travels in each code so a key can be rotated later without voiding what was signed.
 * Signing and verifying use Node's crypto; the SDK verifies the same codes offline with the public
 * keys from `GET /events/:id/checkin/keys`.
 */
export interface EventKey {
  keyId: number;
  /** Raw 32-byte public key, base64url (what scanners receive). */
  publicKey: string;
  privateKey: KeyObject;
  publicKeyObject: KeyObject;
}

const CURRENT_KEY_ID = 0;
/**
 * Public keys by `eventId/keyId`: a stored key never changes, so a door's thousands of scans read it
 * once per node (oldest dropped first past the bound).
 */
const verifyingKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 1_000;
// The SPKI DER of an Ed25519 key is a fixed 12-byte header followed by the raw 32-byte key.
const SPKI_ED25519_HEADER = Buffer.from('302a300506032b6570032100', 'hex');

/** The event's signing key, created (race-free: insert … on conflict do nothing) when missing. */
export async function eventSigningKey(q: Queryable, eventId: string): Promise<EventKey> {
  const existing = await loadKey(q, eventId, CURRENT_KEY_ID);
  if (existing) return existing;
  const pair = generateKeyPairSync('ed25519');
  await q
    .insert(eventTicketKeys)
    .values({
      eventId,
      keyId: CURRENT_KEY_ID,
      publicKey: rawPublicKey(pair.publicKey),
      privateKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url'),
    })
    .onConflictDoNothing();
  const created = await loadKey(q, eventId, CURRENT_KEY_ID);
  if (!created) throw new Error(`ticket key for event ${eventId} was not stored`);
  return created;
}

/** Public keys of the event (none until its first ticket was signed). */
export async function eventPublicKeys(
  q: Queryable,
  eventId: string,
): Promise<{ keyId: number; publicKey: string }[]> {
  const rows = await q
    .select({ keyId: eventTicketKeys.keyId, publicKey: eventTicketKeys.publicKey })
    .from(eventTicketKeys)
    .where(eq(eventTicketKeys.eventId, eventId))
    .orderBy(sql`${eventTicketKeys.keyId}`);
  return rows;
}

/** The signed code for a ticket. */
export function signTicketCode(key: EventKey, fields: Omit<TicketCodeFields, 'keyId'>): string {
  const message = ticketCodeMessage({ ...fields, keyId: key.keyId });
  const signature = sign(null, message, key.privateKey);
  return encodeTicketCode(message, new Uint8Array(signature));
}

/**
 * The ticket a scanned code names, if its signature holds under the event's key; null for anything
 * malformed, forged, altered, or signed for another event. Revocation is the caller's check.
 */
export async function verifyTicketCode(
  q: Queryable,
  eventId: string,
  code: string,
): Promise<{ ticketId: string; keyId: number } | null> {
  const decoded = decodeTicketCode(code);
  if (!decoded || decoded.eventId.toLowerCase() !== eventId.toLowerCase()) return null;
  const cacheKey = `${decoded.eventId}/${decoded.keyId}`;
  let publicKey = verifyingKeys.get(cacheKey);
  if (!publicKey) {
    const key = await loadKey(q, eventId, decoded.keyId);
    if (!key) return null;
    publicKey = key.publicKeyObject;
    if (verifyingKeys.size >= MAX_CACHED_KEYS) verifyingKeys.delete(verifyingKeys.keys().next().value!);
    verifyingKeys.set(cacheKey, publicKey);
  }
  const ok = verify(null, decoded.message, publicKey, decoded.signature);
  return ok ? { ticketId: decoded.ticketId, keyId: decoded.keyId } : null;
}

async function loadKey(q: Queryable, eventId: string, keyId: number): Promise<EventKey | null> {
  const [row] = await q
    .select()
    .from(eventTicketKeys)
    .where(and(eq(eventTicketKeys.eventId, eventId), eq(eventTicketKeys.keyId, keyId)));
  if (!row) return null;
  const raw = fromBase64Url(row.publicKey);
  if (raw?.length !== 32) throw new Error(`ticket key ${eventId}/${keyId} is not a raw Ed25519 key`);
  return {
    keyId: row.keyId,
    publicKey: row.publicKey,
    privateKey: createPrivateKey({
      key: Buffer.from(row.privateKey, 'base64url'),
      format: 'der',
      type: 'pkcs8',
    }),
    publicKeyObject: createPublicKey({
      key: Buffer.concat([SPKI_ED25519_HEADER, Buffer.from(raw)]),
      format: 'der',
      type: 'spki',
    }),
  };
}

function rawPublicKey(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return toBase64Url(new Uint8Array(der.subarray(SPKI_ED25519_HEADER.length)));
}
