import { createHash, randomBytes } from 'node:crypto';

/**
 * A UUIDv7 whose 74 bits after the timestamp all come from the CSPRNG. The `uuidv7` package keeps
 * a counter in those bits so ids of one millisecond are ordered, which makes the neighbours of a
 * known id guessable; a submission id is the bearer capability for its status, so it must not be.
 */
export function unguessableUuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return format(bytes);
}

/**
 * The submission id a bare `Idempotency-Key` stands for: the same key on the same form always
 * names the same submission (UUIDv8, from SHA-256), so the key is de-duplicated by the same
 * primary key as a client-chosen `submissionId`.
 */
export function submissionIdForKey(formId: string, key: string): string {
  const bytes = createHash('sha256').update(`muster.forms.submission\n${formId}\n${key}`).digest();
  bytes[6] = 0x80 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return format(bytes.subarray(0, 16));
}

function format(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
