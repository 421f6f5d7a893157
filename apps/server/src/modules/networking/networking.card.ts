import type { ContactCard } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { notFound } from '../../platform/errors.ts';
import { humanCode } from '../../platform/human-code.ts';
import { blockedEitherWay, users } from '../identity/index.ts';
import { connections, contactCards } from './networking.tables.ts';

/** My card: a code made on first use and kept (printed badges and screenshots stay valid). */
export async function myCard(ctx: AuthedCtx): Promise<ContactCard> {
  const me = ctx.actor.userId;
  const db = ctx.platform.db;
  await db
    .insert(contactCards)
    .values({ userId: me, code: humanCode(10) })
    .onConflictDoNothing();
  const [card] = await db.select().from(contactCards).where(eq(contactCards.userId, me));
  return { code: card!.code, vcard: await vcardOf(db, me) };
}

/**
 * The other person's vCard, for someone who is connected with them or has asked either way (a
 * scanned card is a request): what they chose to show on their profile, never their e-mail.
 */
export async function connectionVcard(ctx: AuthedCtx, connectionId: string): Promise<string> {
  const me = ctx.actor.userId;
  const db = ctx.platform.db;
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId));
  const mine = row && (row.requesterId === me || (row.addresseeId === me && row.status !== 'declined'));
  if (!mine) throw notFound('Connection');
  const other = row.requesterId === me ? row.addresseeId : row.requesterId;
  if ((await blockedEitherWay(db, me, [other])).size) throw notFound('Connection');
  return vcardOf(db, other);
}

/** A vCard 4.0 (RFC 6350) of the profile, escaped by ical.js. */
async function vcardOf(db: Queryable, userId: string): Promise<string> {
  const [user] = await db
    .select({ name: users.name, headline: users.headline, company: users.company })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw notFound('User');
  const card = new ICAL.Component('vcard');
  card.updatePropertyWithValue('version', '4.0');
  card.updatePropertyWithValue('fn', user.name);
  const parts = user.name.trim().split(/\s+/);
  const family = parts.length > 1 ? parts.at(-1)! : '';
  const given = parts.length > 1 ? parts.slice(0, -1).join(' ') : (parts[0] ?? '');
  structured(card, 'n', [family, given, '', '', '']);
  if (user.company) structured(card, 'org', [user.company]);
  if (user.headline) card.updatePropertyWithValue('title', user.headline);
  card.updatePropertyWithValue('note', 'Met on Muster');
  return card.toString();
}

/** A compound property (N, ORG), whose parts ical.js escapes (`;` inside a company name). */
function structured(card: ICAL.Component, name: string, value: string[]) {
  const property = new ICAL.Property(name, card);
  property.setValue(value as unknown as string);
  card.addProperty(property);
}
