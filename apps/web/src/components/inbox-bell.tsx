import { Link } from 'wouter';
import { client } from '../client.ts';
import { useSelect } from '../hooks/store.ts';
import { formatCount, unreadNotifications } from '../lib/unread.ts';

/** The header's way to the inbox, with the live unread count (the server's, kept on `user:`). */
export function InboxBell() {
  const me = client.user?.id ?? '';
  const unread = useSelect((t) => unreadNotifications(t, me), [me]);
  return (
    <Link href="/inbox" className="inbox-bell" data-testid="inbox-bell">
      <svg
        aria-hidden="true"
        width="22"
        height="22"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 8 3 8H3s3-1 3-8" />
        <path d="M10 20a2 2 0 0 0 4 0" />
      </svg>
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
