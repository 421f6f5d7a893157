import { Link } from 'wouter';
import { client } from '../client.ts';
import { useSelect } from '../hooks/store.ts';
import { formatCount } from '../lib/unread.ts';

/** The header's way to the inbox, with the live unread count (the server's, kept on `user:`). */
export function InboxBell() {
  const me = client.user?.id ?? '';
  const unread = useSelect(
    (t) => t.notificationBadge[me]?.unread ?? Object.values(t.notifications).filter((n) => !n.readAt).length,
    [me],
  );
  return (
    <Link href="/inbox" className="inbox-bell" data-testid="inbox-bell">
      <span aria-hidden="true">🔔</span>
      <span className="visually-hidden">Inbox</span>
      {unread > 0 ? (
        <span className="badge" data-testid="inbox-unread">
          {formatCount(unread)}
          <span className="visually-hidden"> unread</span>
        </span>
      ) : null}
    </Link>
  );
}
