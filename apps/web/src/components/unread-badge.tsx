import { client } from '../client.ts';
import { useSelect } from '../hooks/store.ts';
import { formatCount, totalUnread } from '../lib/unread.ts';

export function UnreadBadge() {
  const me = client.user?.id ?? '';
  const count = useSelect((t) => totalUnread(t, me), [me]);
  if (count === 0) return null;
  return (
    <span className="badge" data-testid="unread-total">
      {formatCount(count)}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}
