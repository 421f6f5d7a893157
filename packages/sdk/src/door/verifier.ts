import { type CheckinKeys, type CheckinOutcome, decodeTicketCode, fromBase64Url } from '@muster/protocol';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

// The synchronous path: crypto.subtle exists only in secure contexts, and a door tablet may reach a
// venue's Muster over plain http on the local network.
ed.hashes.sha512 = sha512;

let warmed = false;
/**
 * The first Ed25519 operation builds the library's base-point tables (~100 ms on a phone): done when
 * a door opens, so the first ticket at the door is as quick as the thousandth.
 */
function warmUp() {
  if (warmed) return;
  warmed = true;
  ed.getPublicKey(new Uint8Array(32).fill(7));
}

export type OfflineVerdict = Extract<CheckinOutcome, 'admitted' | 'already_checked_in' | 'invalid' | 'void'>;

export interface OfflineCheck {
  verdict: OfflineVerdict;
  /** The ticket the code names, once its signature holds. */
  ticketId: string | null;
}

/**
 * Decides a scanned code with no network (PRODUCT F5): the code must decode, name this event, carry
 * a key id the event published, and its Ed25519 signature must hold under that key (strict RFC 8032,
 * as the server's check); a revoked ticket is `void`; a ticket this scanner already let in (and did
 * not see leave) is `already_checked_in`. What other doors did while offline is settled at upload.
 */
export class OfflineVerifier {
  private readonly keys = new Map<number, Uint8Array>();
  private readonly revoked = new Set<string>();
  private readonly inside = new Set<string>();
  readonly eventId: string;

  constructor(keys: CheckinKeys) {
    this.eventId = keys.eventId.toLowerCase();
    this.update(keys);
    warmUp();
  }

  /** Takes fresh keys and a fresh revocation list (what the server said last). */
  update(keys: CheckinKeys): void {
    for (const key of keys.keys) {
      const raw = fromBase64Url(key.publicKey);
      if (raw?.length === 32) this.keys.set(key.keyId, raw);
    }
    for (const id of keys.revoked) this.revoked.add(id.toLowerCase());
  }

  /** One more revoked ticket (a `checkin.ticketRevoked` record). */
  revoke(ticketId: string): void {
    this.revoked.add(ticketId.toLowerCase());
  }

  /** What this scanner saw happen: an admission or an exit, decided here or by the server. */
  remember(ticketId: string, direction: 'in' | 'out'): void {
    if (direction === 'in') this.inside.add(ticketId.toLowerCase());
    else this.inside.delete(ticketId.toLowerCase());
  }

  /** Verifies a code; never throws, whatever the input. */
  check(code: string, direction: 'in' | 'out' = 'in'): OfflineCheck {
    const ticketId = this.verifiedTicket(code);
    if (!ticketId) return { verdict: 'invalid', ticketId: null };
    if (this.revoked.has(ticketId)) return { verdict: 'void', ticketId };
    if (direction === 'in' && this.inside.has(ticketId)) return { verdict: 'already_checked_in', ticketId };
    return { verdict: 'admitted', ticketId };
  }

  private verifiedTicket(code: string): string | null {
    const decoded = decodeTicketCode(code);
    if (!decoded || decoded.eventId !== this.eventId) return null;
    const key = this.keys.get(decoded.keyId);
    if (!key) return null;
    try {
      return ed.verify(decoded.signature, decoded.message, key, { zip215: false }) ? decoded.ticketId : null;
    } catch {
      return null;
    }
  }
}
