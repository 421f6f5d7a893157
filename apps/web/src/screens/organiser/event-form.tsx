import type { Community, CreateEventBody, Event, Visibility } from '@muster/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { client } from '../../client.ts';
import { Field, FormError } from '../../components/field.tsx';
import { ImagePicker } from '../../components/image-picker.tsx';
import { Page } from '../../components/page.tsx';
import { TitleAndDescription } from '../../components/title-and-description.tsx';
import { refreshCommunityRoles } from '../../hooks/event.ts';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { deviceTimeZone, fromLocalInput, timeZoneChoices, toLocalInput } from '../../lib/time.ts';

const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

/** Create an event (in one of my communities, or a new one) or edit one (`/events/:id/edit`). */
export function EventForm() {
  const { id } = useParams<{ id?: string }>();
  const existing = useSelect((t) => (id ? t.events[id] : undefined), [id]);
  const [communities, setCommunities] = useState<Community[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [timezone, setTimezone] = useState(existing?.timezone ?? deviceTimeZone());
  const [, navigate] = useLocation();

  useEffect(() => {
    if (id) return;
    client.api.me.communities({ limit: 200 }).then(
      (page) => setCommunities(page.items.filter((c) => c.myRole === 'owner' || c.myRole === 'admin')),
      () => undefined,
    );
  }, [id]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      const capacity = text('capacity') ? Number(text('capacity')) : null;
      const fields = {
        title: text('title'),
        description: text('description') || null,
        startsAt: fromLocalInput(text('startsAt'), timezone),
        endsAt: fromLocalInput(text('endsAt'), timezone),
        timezone,
        venue: text('venue') || null,
        capacity,
        visibility: text('visibility') as Visibility,
      };
      const saved = existing
        ? await client.api.events.update(existing.id, fields)
        : await create(fields, text);
      client.store.load((draft) => {
        draft.write('events')[saved.id] = saved;
      });
      await client.openEvent(saved.id);
      navigate(`/events/${saved.id}`);
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  async function create(
    fields: Omit<CreateEventBody, 'communityId'>,
    text: (name: string) => string,
  ): Promise<Event> {
    let communityId = text('communityId');
    if (!communityId || communityId === 'new') {
      const community = await client.api.communities.create({
        name: text('communityName') || `${fields.title} community`,
      });
      communityId = community.id;
    }
    const created = await client.api.events.create({ communityId, ...fields });
    await refreshCommunityRoles();
    return created;
  }

  if (id && !existing) return <Page title="Edit event">Loading…</Page>;
  const start = existing ? toLocalInput(existing.startsAt, existing.timezone) : '';
  const end = existing ? toLocalInput(existing.endsAt, existing.timezone) : '';
  return (
    <Page
      title={existing ? `Edit ${existing.title}` : 'New event'}
      back={existing ? { href: `/events/${existing.id}`, label: 'Event' } : { href: '/', label: 'Events' }}
    >
      {existing ? <CoverPicker event={existing} /> : null}
      <form className="stack" onSubmit={submit}>
        {existing ? null : (
          <>
            <div className="field">
              <label htmlFor="community">Community</label>
              <select
                id="community"
                name="communityId"
                defaultValue={communities[0]?.id ?? 'new'}
                key={communities.length}
              >
                {communities.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
                <option value="new">A new community…</option>
              </select>
            </div>
            <Field label="New community name (if new)" name="communityName" maxLength={120} />
          </>
        )}
        <TitleAndDescription existing={existing} rows={4} />
        <Field label="Starts" name="startsAt" type="datetime-local" required defaultValue={start} />
        <Field label="Ends" name="endsAt" type="datetime-local" required defaultValue={end} />
        <div className="field">
          <label htmlFor="timezone">Time zone</label>
          <select id="timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
            {timeZoneChoices(zones, timezone).map((zone) => (
              <option key={zone} value={zone}>
                {zone === 'UTC' ? 'UTC (Coordinated Universal Time)' : zone}
              </option>
            ))}
          </select>
        </div>
        <Field label="Venue" name="venue" maxLength={300} defaultValue={existing?.venue ?? ''} />
        <Field
          label="Capacity"
          name="capacity"
          type="number"
          min={1}
          max={1_000_000}
          defaultValue={existing?.capacity ?? ''}
          hint="Leave empty for no limit."
        />
        <div className="field">
          <label htmlFor="visibility">Visibility</label>
          <select id="visibility" name="visibility" defaultValue={existing?.visibility ?? 'public'}>
            <option value="public">Public: listed for everyone</option>
            <option value="unlisted">Unlisted: anyone with the link</option>
            <option value="private">Private: community members only</option>
          </select>
        </div>
        <FormError error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {existing ? 'Save event' : 'Create draft event'}
        </button>
      </form>
    </Page>
  );
}

/** The cover is saved on its own, at once: it is a file, not a field of the form below. */
function CoverPicker({ event }: { event: Event }) {
  const save = (saved: Event) =>
    client.store.load((draft) => {
      draft.write('events')[saved.id] = saved;
    });
  return (
    <ImagePicker
      label="Cover image"
      image={event.coverImage}
      sizes="(min-width: 40rem) 40rem, 100vw"
      upload={async (file) => save(await client.api.events.setCover(event.id, file))}
      remove={async () => save(await client.api.events.clearCover(event.id))}
    />
  );
}
