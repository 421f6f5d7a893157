import { eq } from 'drizzle-orm';
import type WebPush from 'web-push';
import type { Config } from '../../config.ts';
import type { Db } from '../db/client.ts';
import { lazyRequire } from '../lazy-require.ts';
import { vapidKeys } from './push.tables.ts';

export interface VapidDetails {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` — push services contact the sender there. */
  subject: string;
}

// Loaded when a push is sent or keys are first made, not at every start.
const loadWebPush = lazyRequire<typeof WebPush>('web-push');

/** `mailto:` the address mail is sent from (MAIL_FROM), unless VAPID_SUBJECT says otherwise. */
function subjectOf(config: Config): string {
  if (config.vapid?.subject) return config.vapid.subject;
  const address = /<([^>]+)>/.exec(config.mailFrom)?.[1] ?? config.mailFrom;
  return `mailto:${address}`;
}

const loaded = new WeakMap<Db, Promise<VapidDetails>>();

/**
 * The key pair pushes are signed with: VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when set, otherwise the
 * instance's own, generated on first use and stored in the database (an insert that loses a race
 * with another node reads the winner's keys). Cached per database.
 */
export function loadVapidKeys(config: Config, db: Db): Promise<VapidDetails> {
  const subject = subjectOf(config);
  if (config.vapid?.publicKey && config.vapid.privateKey)
    return Promise.resolve({
      publicKey: config.vapid.publicKey,
      privateKey: config.vapid.privateKey,
      subject,
    });
  let keys = loaded.get(db);
  if (!keys) {
    keys = (async () => {
      const fresh = loadWebPush().generateVAPIDKeys();
      await db
        .insert(vapidKeys)
        .values({ id: 1, ...fresh })
        .onConflictDoNothing();
      const [row] = await db.select().from(vapidKeys).where(eq(vapidKeys.id, 1));
      if (!row) throw new Error('VAPID keys could not be stored');
      return { publicKey: row.publicKey, privateKey: row.privateKey, subject };
    })();
    keys.catch(() => loaded.delete(db));
    loaded.set(db, keys);
  }
  return keys;
}
