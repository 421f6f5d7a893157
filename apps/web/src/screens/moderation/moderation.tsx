import type { ModerationActionKind, ModerationItem } from '@muster/protocol';
import { scopes } from '@muster/protocol';
import { moderationQueueOf } from '@muster/sdk';
import { useState } from 'react';
import { useParams } from 'wouter';
import { client } from '../../client.ts';
import { Page } from '../../components/page.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { useEvent } from '../../hooks/event.ts';
import { useFollow, useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { AuditLog } from './audit-log.tsx';
import { ModerationSettingsForm } from './settings.tsx';
import '../live/live.css';

type Tab = 'queue' | 'audit' | 'settings';
const TABS = [
  { value: 'queue', label: 'Queue' },
  { value: 'audit', label: 'Audit log' },
  { value: 'settings', label: 'Settings' },
] as const;

/** Hours a mute lasts, offered as one tap each. */
const MUTE_HOURS = [1, 24];

/**
 * An event's moderator queue (kept live on `moderation:<eventId>`): reported, filtered and
 * pre-moderated items, acted on one by one or in bulk; the audit log; the event's settings.
 */
export function ModerationScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const [tab, setTab] = useState<Tab>('queue');
  useFollow(id ? scopes.moderation(id) : null);
  return (
    <Page
      title={event ? `Moderation · ${event.title}` : 'Moderation'}
      back={{ href: `/events/${id}`, label: 'Event' }}
    >
      <div className="moderation">
        <Segmented<Tab> legend="View" name="moderation-tab" options={TABS} value={tab} onChange={setTab} />
        {tab === 'queue' ? <Queue eventId={id} /> : null}
        {tab === 'audit' ? <AuditLog eventId={id} /> : null}
        {tab === 'settings' ? <ModerationSettingsForm eventId={id} /> : null}
      </div>
    </Page>
  );
}

function Queue({ eventId }: { eventId: string }) {
  const items = useSelect((t) => moderationQueueOf(t, eventId), [eventId]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState<string | null>(null);
  const chosen = items.filter((item) => selected.has(item.id));
  const bulk = async (action: ModerationActionKind) => {
    try {
      const { results } = await client.api.moderation.bulk({
        actions: chosen.map((item) => ({ ...actionOn(item, action), eventId })),
      });
      const done = results.filter((r) => r.ok).length;
      const refused = results.length - done;
      setSelected(new Set());
      setStatus(
        `${capitalise(action)}: ${done} of ${results.length} done${refused ? `, ${refused} refused` : ''}.`,
      );
    } catch (e) {
      setStatus(describeError(e));
    }
  };
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">Queue ({items.length})</h2>
      {items.length === 0 ? <p className="muted">Nothing waits for a moderator.</p> : null}
      <ul className="cards" data-testid="moderation-queue">
        {items.map((item) => (
          <li key={item.id} className="card moderation-item" data-testid="moderation-item">
            <input
              type="checkbox"
              aria-label={`Select ${item.excerpt ?? item.targetType}`}
              checked={selected.has(item.id)}
              onChange={(e) => {
                const next = new Set(selected);
                if (e.target.checked) next.add(item.id);
                else next.delete(item.id);
                setSelected(next);
              }}
            />
            <ItemCard item={item} eventId={eventId} onStatus={setStatus} />
          </li>
        ))}
      </ul>
      {chosen.length ? (
        <fieldset className="bulk-bar">
          <legend className="visually-hidden">{chosen.length} selected</legend>
          {(['approve', 'hide', 'delete', 'dismiss'] as const).map((action) => (
            <button key={action} type="button" className="button" onClick={() => void bulk(action)}>
              {capitalise(action)} {chosen.length}
            </button>
          ))}
        </fieldset>
      ) : null}
      <p role="status">{status}</p>
    </section>
  );
}

/** A queued item's action: on the author for mute and ban, on the item's target otherwise. */
function actionOn(item: ModerationItem, action: ModerationActionKind) {
  const onUser = action === 'mute' || action === 'ban';
  return {
    targetType: onUser ? ('user' as const) : item.targetType,
    targetId: onUser && item.author ? item.author.id : item.targetId,
    action,
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function ItemCard({
  item,
  eventId,
  onStatus,
}: {
  item: ModerationItem;
  eventId: string;
  onStatus(status: string): void;
}) {
  const act = async (action: ModerationActionKind, until?: string) => {
    try {
      await client.api.moderation.act({ ...actionOn(item, action), eventId, ...(until ? { until } : {}) });
      onStatus(`${capitalise(action)}: done.`);
    } catch (e) {
      onStatus(describeError(e));
    }
  };
  return (
    <div>
      <p className="meta">
        <span className="pill">{item.targetType}</span> <span className="pill">{item.reason}</span>
        {item.reports ? (
          <span className="pill warning">
            {item.reports} {item.reports === 1 ? 'report' : 'reports'}
          </span>
        ) : null}
        {/* The reason is shown once, above; the flags add what the filters or reporters found. */}
        {item.flags
          .filter((flag) => flag !== item.reason)
          .map((flag) => (
            <span key={flag} className="pill danger">
              {flag}
            </span>
          ))}
      </p>
      {item.excerpt ? <blockquote className="question-body">{item.excerpt}</blockquote> : null}
      <p className="muted">{item.author ? `by ${item.author.name}` : 'author unknown'}</p>
      <div className="row-actions">
        {item.reason === 'premoderation' ? (
          <button type="button" className="button primary" onClick={() => void act('approve')}>
            Approve
          </button>
        ) : null}
        <button type="button" className="button" onClick={() => void act('hide')}>
          Hide
        </button>
        <button type="button" className="button" onClick={() => void act('dismiss')}>
          Dismiss
        </button>
        <button type="button" className="button danger" onClick={() => void act('delete')}>
          Delete
        </button>
        {item.author
          ? MUTE_HOURS.map((hours) => (
              <button
                key={hours}
                type="button"
                className="button"
                onClick={() => void act('mute', new Date(Date.now() + hours * 3_600_000).toISOString())}
              >
                Mute {hours} h
              </button>
            ))
          : null}
        {item.author ? (
          <button type="button" className="button danger" onClick={() => void act('ban')}>
            Ban
          </button>
        ) : null}
      </div>
    </div>
  );
}
