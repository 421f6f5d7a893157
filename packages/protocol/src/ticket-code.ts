/**
 * The signed ticket code a QR carries (PRODUCT F3): `MT1.<payload>.<signature>`, both parts base64url.
 * The payload is 33 bytes — the signing key's id (1 byte), the event id (16) and the ticket id (16) —
 * and the signature is Ed25519 (64 bytes) over `MT1.` followed by the payload bytes, so a code of one
 * format version can never be replayed as another. 135 characters: a QR of version 7 at level M (byte mode).
 * Nothing personal travels in the code; the name is shown from the server or the scanner's cache.
 *
 * This file only encodes and decodes; signing is the server's (node:crypto) and verifying is the
 * SDK's offline verifier and the server's, both with the event's public keys from `checkin/keys`.
 */
export const TICKET_CODE_PREFIX = 'MT1.';
const PAYLOAD_BYTES = 33;
const SIGNATURE_BYTES = 64;
/** Upper bound a server or scanner accepts before decoding anything. */
export const MAX_TICKET_CODE_LENGTH = 200;

export interface TicketCodeFields {
  keyId: number;
  eventId: string;
  ticketId: string;
}

export interface DecodedTicketCode extends TicketCodeFields {
  /** The exact bytes the signature covers. */
  message: Uint8Array;
  signature: Uint8Array;
}

/** The bytes to sign for a ticket (prefix + payload). */
export function ticketCodeMessage(fields: TicketCodeFields): Uint8Array {
  if (!Number.isInteger(fields.keyId) || fields.keyId < 0 || fields.keyId > 255)
    throw new RangeError('keyId');
  const payload = new Uint8Array(PAYLOAD_BYTES);
  payload[0] = fields.keyId;
  payload.set(uuidToBytes(fields.eventId), 1);
  payload.set(uuidToBytes(fields.ticketId), 17);
  return concat(new TextEncoder().encode(TICKET_CODE_PREFIX), payload);
}

/** The code for a message from `ticketCodeMessage` and its signature. */
export function encodeTicketCode(message: Uint8Array, signature: Uint8Array): string {
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError('signature');
  const payload = message.subarray(TICKET_CODE_PREFIX.length);
  return `${TICKET_CODE_PREFIX}${toBase64Url(payload)}.${toBase64Url(signature)}`;
}

/** Parses a scanned string; null for anything that is not a well-formed code (nothing is verified here). */
export function decodeTicketCode(code: string): DecodedTicketCode | null {
  if (typeof code !== 'string' || code.length > MAX_TICKET_CODE_LENGTH) return null;
  const text = code.trim();
  if (!text.startsWith(TICKET_CODE_PREFIX)) return null;
  const parts = text.slice(TICKET_CODE_PREFIX.length).split('.');
  if (parts.length !== 2) return null;
  const payload = fromBase64Url(parts[0]!);
  const signature = fromBase64Url(parts[1]!);
  if (!payload || payload.length !== PAYLOAD_BYTES || !signature || signature.length !== SIGNATURE_BYTES)
    return null;
  return {
    keyId: payload[0]!,
    eventId: bytesToUuid(payload.subarray(1, 17)),
    ticketId: bytesToUuid(payload.subarray(17, 33)),
    message: concat(new TextEncoder().encode(TICKET_CODE_PREFIX), payload),
    signature,
  };
}

const HEX = /^[0-9a-f]{32}$/;

export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll('-', '').toLowerCase();
  if (!HEX.test(hex)) throw new RangeError('uuid');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** base64url without padding; `btoa`/`atob` exist in browsers and in Node. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Null unless `text` is canonical base64url (so one code has exactly one spelling). */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  let binary: string;
  try {
    binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return toBase64Url(bytes) === text ? bytes : null;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
