import type { Tables } from '@muster/sdk';
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { client } from '../../client.ts';
import { Page } from '../../components/page.tsx';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { unreadNotifications } from '../../lib/unread.ts';

type Item = Tables['notifications'][string];

/** Newest change first: a grouped item that grew comes back to the top. */
function inboxItems(tables: Tables): Item[] {
  return Object.values(tables.notifications).sort((a, b) =>
    (b.updatedAt ?? b.createdAt).localeCompare(a.updatedAt ?? a.createdAt),
  );
}

const when = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
function ago(iso: string): string {
  const minutes = Math.round((Date.parse(iso) - Date.now()) / 60_000);
  if (Math.abs(minutes) < 60) return when.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  return Math.abs(hours) < 24 ? when.format(hours, 'hour') : when.format(Math.round(hours / 24), 'day');
}

/** Glyphs any system font draws (no emoji font is assumed). */
const ICONS: Record<string, string> = {
  dms: 'DM',
  mentions: '@',
  announcements: '!',
  agenda: '◷',
  social: '✓',
  gamification: '★',
  marketing: '✉',
};

/**
 * The inbox (E1): what happened while I looked elsewhere, grouped ("12 new messages in #general"),
 * newest first; opening an item reads it and goes where it points. Works offline from the store;
 * the first page is loaded from the server so a fresh device is not empty.
 */
export function InboxScreen() {
  const me = client.user?.id ?? '';
  const items = useSelect(inboxItems);
  const unread = useSelect((t) => unreadNotifications(t, me), [me]);
  const [error, setError] = useState<string | null>(null);
  const [, navigate] = useLocation();
  useEffect(() => {
    client.api.notifications
      .list({ limit: 50 })
      .then((page) => client.loadNotifications(page.items, page.unread))
      .catch(() => undefined); // offline: the store already shows what this device holds
  }, []);
  async function open(item: Item) {
    if (!item.readAt)
      client.api.notifications.markRead({ ids: [item.id] }).catch((e: unknown) => setError(describeError(e)));
    navigate(item.url ?? '/');
  }
  async function readAll() {
    setError(null);
    try {
      await client.api.notifications.markRead({ all: true });
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return (
    <Page
      title="Inbox"
      actions={
        unread > 0 ? (
          <button type="button" className="link-button" onClick={() => void readAll()}>
            Mark all read
          </button>
        ) : null
      }
    >
      {error ? <p role="alert">{error}</p> : null}
      {items.length === 0 ? (
        <p className="empty">
          Nothing yet. Messages to you, changes to your sessions and announcements land here.
        </p>
      ) : (
        <ul className="inbox" data-testid="inbox">
          {items.map((item) => (
            <li key={item.id} className={item.readAt ? 'inbox-item' : 'inbox-item unread'}>
              <button type="button" className="inbox-open" onClick={() => void open(item)}>
                <span className="inbox-icon" aria-hidden="true">
                  {ICONS[item.category] ?? '•'}
                </span>
                <span className="inbox-text">
                  <strong data-testid="inbox-title">{item.title}</strong>
                  {item.body ? <span className="inbox-body">{item.body}</span> : null}
                  <time dateTime={item.updatedAt ?? item.createdAt}>
                    {ago(item.updatedAt ?? item.createdAt)}
                  </time>
                </span>
                {item.readAt ? null : <span className="visually-hidden">unread</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link href="/settings/notifications">Notification settings</Link>
      </p>
    </Page>
  );
}
