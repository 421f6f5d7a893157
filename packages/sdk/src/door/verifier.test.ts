import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import {
  type CheckinKeys,
  decodeTicketCode,
  encodeTicketCode,
  ticketCodeMessage,
  toBase64Url,
} from '@muster/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OfflineVerifier } from './verifier.ts';

/** A signer as the server has one (node:crypto), to make genuine codes. */
function signer() {
  const pair = generateKeyPairSync('ed25519');
  const raw = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  return {
    publicKey: toBase64Url(new Uint8Array(raw)),
    code(eventId: string, ticketId: string, keyId = 0) {
      const message = ticketCodeMessage({ keyId, eventId, ticketId });
      return encodeTicketCode(message, new Uint8Array(sign(null, message, pair.privateKey)));
    },
  };
}

const EVENT = randomUUID();
const keysOf = (publicKey: string, revoked: string[] = []): CheckinKeys => ({
  eventId: EVENT,
  algorithm: 'Ed25519',
  keys: [{ keyId: 0, publicKey }],
  revoked,
  at: new Date().toISOString(),
});

describe('the offline verifier', () => {
  const key = signer();
  const ticket = randomUUID();
  const code = key.code(EVENT, ticket);

  it('admits a genuine code once, then knows the ticket is inside until it leaves', () => {
    const verifier = new OfflineVerifier(keysOf(key.publicKey));
    expect(verifier.check(code)).toEqual({ verdict: 'admitted', ticketId: ticket });
    verifier.remember(ticket, 'in');
    expect(verifier.check(code).verdict).toBe('already_checked_in');
    verifier.remember(ticket, 'out');
    expect(verifier.check(code).verdict).toBe('admitted');
  });

  it('refuses forged, other-event, unknown-key and revoked codes', () => {
    const verifier = new OfflineVerifier(keysOf(key.publicKey));
    expect(verifier.check(signer().code(EVENT, ticket)).verdict).toBe('invalid');
    expect(verifier.check(key.code(randomUUID(), ticket)).verdict).toBe('invalid');
    expect(verifier.check(key.code(EVENT, ticket, 7)).verdict).toBe('invalid');
    verifier.revoke(ticket);
    expect(verifier.check(code).verdict).toBe('void');
    expect(new OfflineVerifier(keysOf(key.publicKey, [ticket.toUpperCase()])).check(code).verdict).toBe(
      'void',
    );
  });

  it('never admits a code with any byte of its payload or signature flipped', () => {
    const verifier = new OfflineVerifier(keysOf(key.publicKey));
    const decoded = decodeTicketCode(code)!;
    const bytes = new Uint8Array([...decoded.message.subarray(4), ...decoded.signature]);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const flipped = bytes.slice();
        flipped[index]! ^= mask;
        const prefix = decoded.message.subarray(0, 4);
        const altered = encodeTicketCode(
          new Uint8Array([...prefix, ...flipped.subarray(0, 33)]),
          flipped.subarray(33),
        );
        expect(verifier.check(altered).verdict).not.toBe('admitted');
      }),
      { numRuns: 500 },
    );
  });

  it('never admits a code with characters changed, cut or added, and never throws', () => {
    const verifier = new OfflineVerifier(keysOf(key.publicKey));
    fc.assert(
      fc.property(
        fc.nat(code.length - 1),
        fc.string({ minLength: 0, maxLength: 3 }),
        fc.nat(3),
        (at, insert, cut) => {
          const altered = code.slice(0, at) + insert + code.slice(at + cut);
          if (altered === code) return;
          expect(verifier.check(altered).verdict).not.toBe('admitted');
        },
      ),
      { numRuns: 1000 },
    );
    for (const junk of ['', 'MT1.', 'x'.repeat(5000), '\u0000', `${code}\n${code}`])
      expect(verifier.check(junk).verdict).toBe('invalid');
  });
});
