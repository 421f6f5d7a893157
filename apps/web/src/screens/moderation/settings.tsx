import type { ModerationSettings } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client.ts';
import { describeError } from '../../lib/errors.ts';
import { useRead } from '../live/live-hooks.ts';

const FILTERS = [
  { key: 'profanity', label: 'Hold profanity' },
  { key: 'links', label: 'Hold links' },
  { key: 'flood', label: 'Mute people who flood' },
] as const;

const lines = (text: string) =>
  text
    .split('\n')
    .map((w) => w.trim())
    .filter(Boolean)
    .slice(0, 500);

/** The event's filters, blocked words and Q&A pre-moderation (organisers). */
export function ModerationSettingsForm({ eventId }: { eventId: string }) {
  const { data, error } = useRead(() => client.api.moderation.settings(eventId), [eventId]);
  const [settings, setSettings] = useState<ModerationSettings>();
  const [blocked, setBlocked] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => {
    if (!data) return;
    setSettings(data);
    setBlocked(data.blockedWords.join('\n'));
  }, [data]);
  if (error) return <p role="alert">{error}</p>;
  if (!settings) return <p role="status">Loading…</p>;
  return (
    <form
      aria-labelledby="settings-title"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const saved = await client.api.moderation.putSettings(eventId, {
            ...settings,
            blockedWords: lines(blocked),
          });
          setSettings(saved);
          setStatus('Saved.');
        } catch (err) {
          setStatus(describeError(err));
        }
      }}
    >
      <h2 id="settings-title">Settings</h2>
      <fieldset>
        <legend>Filters</legend>
        {FILTERS.map((f) => (
          <label key={f.key} className="switch">
            <input
              type="checkbox"
              checked={settings.filters[f.key]}
              onChange={(e) =>
                setSettings({ ...settings, filters: { ...settings.filters, [f.key]: e.target.checked } })
              }
            />
            {f.label}
          </label>
        ))}
      </fieldset>
      <label className="switch">
        <input
          type="checkbox"
          checked={settings.qnaPremoderation}
          onChange={(e) => setSettings({ ...settings, qnaPremoderation: e.target.checked })}
        />
        Questions wait for a moderator before they show (pre-moderation)
      </label>
      <label htmlFor="blocked-words">Blocked words, one per line</label>
      <textarea id="blocked-words" rows={5} value={blocked} onChange={(e) => setBlocked(e.target.value)} />
      <button type="submit" className="button primary">
        Save settings
      </button>
      <p role="status">{status}</p>
    </form>
  );
}
