import { decodeTicketCode, encodeTicketCode, fromBase64Url, toBase64Url } from '@muster/protocol';
import fc from 'fast-check';
import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../test/factories/events.ts';
import { registerUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { eventPublicKeys, eventSigningKey, signTicketCode, verifyTicketCode } from './tickets.signing.ts';

const server = useTestServer();
let eventId: string;
let otherEventId: string;
beforeAll(async () => {
  const organiser = await registerUser(server, { name: 'Organiser' });
  eventId = (await buildEvent(server, organiser)).id;
  otherEventId = (await buildEvent(server, organiser)).id;
});

/** `code` with one byte of its payload or signature changed (decoded, flipped, re-encoded). */
function flipped(code: string, index: number, mask: number): string {
  const decoded = decodeTicketCode(code)!;
  const bytes = new Uint8Array([...decoded.message.subarray(4), ...decoded.signature]);
  bytes[index % bytes.length]! ^= mask;
  return encodeTicketCode(
    new Uint8Array([...decoded.message.subarray(0, 4), ...bytes.subarray(0, 33)]),
    bytes.subarray(33),
  );
}

describe('ticket signing', () => {
  it('creates one key per event, even when asked concurrently, and verifies its own codes', async () => {
    const db = server.platform.db;
    const keys = await Promise.all(Array.from({ length: 8 }, () => eventSigningKey(db, eventId)));
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(1);
    expect(await eventPublicKeys(db, eventId)).toEqual([{ keyId: 0, publicKey: keys[0]!.publicKey }]);
    const ticketId = uuidv7();
    const code = signTicketCode(keys[0]!, { eventId, ticketId });
    expect(code.length).toBe(135);
    expect(await verifyTicketCode(db, eventId, code)).toEqual({ ticketId, keyId: 0 });
    // Another event's scanner refuses it (the event id is signed, and its key differs).
    expect(await verifyTicketCode(db, otherEventId, code)).toBeNull();
  });

  it('refuses every code with a byte flipped anywhere in payload or signature', async () => {
    const db = server.platform.db;
    const key = await eventSigningKey(db, eventId);
    const code = signTicketCode(key, { eventId, ticketId: uuidv7() });
    await fc.assert(
      fc.asyncProperty(fc.nat(96), fc.integer({ min: 1, max: 255 }), async (index, mask) => {
        expect(await verifyTicketCode(db, eventId, flipped(code, index, mask))).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it('refuses malformed and non-canonical codes before any key is read', async () => {
    const db = server.platform.db;
    const key = await eventSigningKey(db, eventId);
    const code = signTicketCode(key, { eventId, ticketId: uuidv7() });
    for (const bad of ['', 'MT1.', `${code}.x`, code.replace('MT1.', 'MT2.'), `${code}A`, 'x'.repeat(10_000)])
      expect(await verifyTicketCode(db, eventId, bad)).toBeNull();
    expect(fromBase64Url(toBase64Url(new Uint8Array([1, 2, 3])))).toEqual(new Uint8Array([1, 2, 3]));
  });
});
