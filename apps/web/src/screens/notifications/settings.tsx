import {
  type ChannelSwitches,
  NOTIFICATION_CATEGORIES,
  type NotificationCategory,
  type NotificationPreferences,
} from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { describeError } from '../../lib/errors.ts';
import { disablePush, enablePush, type PushState, pushState } from '../../lib/push.ts';

const LABELS: Record<NotificationCategory, { name: string; hint: string }> = {
  dms: { name: 'Direct messages', hint: 'Messages to you and your groups' },
  mentions: {
    name: 'Mentions and replies',
    hint: 'Someone @mentions you, replies to you or answers your question',
  },
  agenda: { name: 'My agenda', hint: 'Changes to sessions you saved, a seat off the waitlist, tickets' },
  announcements: { name: 'Announcements', hint: "From the organisers of events you're in, and live polls" },
  social: { name: 'Community', hint: 'Moderation of your posts' },
  gamification: { name: 'Points and badges', hint: 'What you earn at events' },
  marketing: { name: 'News from organisers', hint: 'Off unless you want it' },
};

const CHANNELS: { key: keyof ChannelSwitches; label: string }[] = [
  { key: 'push', label: 'Push' },
  { key: 'email', label: 'E-mail' },
  { key: 'inApp', label: 'Inbox' },
];

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * What reaches me, where and when (E3): per category push / e-mail / inbox, quiet hours in my time
 * zone (critical items — a DM, a change to a session that starts soon — still come), muted chats
 * and events, and whether this device receives pushes at all.
 */
export function NotificationSettingsScreen() {
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [push, setPush] = useState<PushState>(pushState);
  useEffect(() => {
    client.api.notifications
      .preferences()
      .then(setPrefs)
      .catch((e: unknown) => setError(describeError(e)));
  }, []);
  async function save(body: Parameters<typeof client.api.notifications.setPreferences>[0]) {
    setError(null);
    try {
      setPrefs(await client.api.notifications.setPreferences(body));
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  async function togglePush() {
    setError(null);
    try {
      setPush(push === 'on' ? await disablePush() : await enablePush());
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return (
    <Page title="Notifications" back={{ href: '/inbox', label: 'Inbox' }}>
      <FormError error={error} />
      <h2>This device</h2>
      {push === 'unsupported' ? (
        <p className="hint">
          This browser cannot receive pushes. Install the app to your home screen to get them.
        </p>
      ) : push === 'denied' ? (
        <p className="hint">Notifications are blocked for this site in the browser's settings.</p>
      ) : (
        <button type="button" className="button" onClick={() => void togglePush()} data-testid="push-toggle">
          {push === 'on' ? 'Stop pushes to this device' : 'Get pushes on this device'}
        </button>
      )}
      {prefs ? (
        <>
          <h2>What reaches you</h2>
          <table className="prefs">
            <thead>
              <tr>
                <th scope="col">Category</th>
                {CHANNELS.map((c) => (
                  <th key={c.key} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_CATEGORIES.map((category) => (
                <tr key={category}>
                  <th scope="row">
                    {LABELS[category].name}
                    <span className="hint">{LABELS[category].hint}</span>
                  </th>
                  {CHANNELS.map((c) => (
                    <td key={c.key}>
                      <input
                        type="checkbox"
                        aria-label={`${LABELS[category].name}: ${c.label}`}
                        checked={prefs.categories[category][c.key]}
                        onChange={(e) =>
                          void save({
                            categories: {
                              [category]: { ...prefs.categories[category], [c.key]: e.currentTarget.checked },
                            },
                          })
                        }
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <QuietHoursForm prefs={prefs} save={save} />
          <h2>Muted</h2>
          {prefs.muted.length === 0 ? (
            <p className="hint">Nothing muted. Mute a chat from its screen.</p>
          ) : (
            <ul className="muted-list">
              {prefs.muted.map((m) => (
                <li key={m.scope}>
                  {m.scope.split(':')[0]}{' '}
                  {m.until ? `until ${new Date(m.until).toLocaleString()}` : 'for good'}{' '}
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void save({ muted: prefs.muted.filter((x) => x.scope !== m.scope) })}
                  >
                    Unmute
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <p role="status">Loading…</p>
      )}
    </Page>
  );
}

function QuietHoursForm({
  prefs,
  save,
}: {
  prefs: NotificationPreferences;
  save(body: { quietHours: NotificationPreferences['quietHours'] }): Promise<void>;
}) {
  const [start, setStart] = useState(prefs.quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(prefs.quietHours?.end ?? '07:00');
  const on = prefs.quietHours !== null;
  return (
    <>
      <h2>Quiet hours</h2>
      <p className="hint">
        No pushes in this window ({prefs.quietHours?.timezone ?? browserZone()}), except a direct message or a
        change to a session you saved that starts soon. What waits arrives as one summary after.
      </p>
      <div className="quiet-hours">
        <label>
          From <input type="time" value={start} onChange={(e) => setStart(e.currentTarget.value)} />
        </label>
        <label>
          to <input type="time" value={end} onChange={(e) => setEnd(e.currentTarget.value)} />
        </label>
        <button
          type="button"
          className="button"
          onClick={() => void save({ quietHours: { start, end, timezone: browserZone() } })}
        >
          {on ? 'Update' : 'Turn on'}
        </button>
        {on ? (
          <button type="button" className="link-button" onClick={() => void save({ quietHours: null })}>
            Turn off
          </button>
        ) : null}
      </div>
    </>
  );
}
