import { randomBytes } from 'node:crypto';

/** Crockford base32 without I, L, O, U: read off paper or a screen and typed without ambiguity. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random code of `length` characters, 5 bits each (8 → 40 bits, 10 → 50 bits). */
export function humanCode(length: number): string {
  const bytes = randomBytes(Math.ceil((length * 5) / 8));
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < length; i++) code = ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)] + code;
  return code;
}

/** What a person typed or scanned, as stored: upper case, separators gone, look-alikes mapped. */
export function normaliseHumanCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}
