import type { ChallengeGoal, CheckpointBody, HuntList } from '@muster/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { describeError } from '../../lib/errors.ts';
import { QrCode } from '../live/qr-code.tsx';
import { huntLink } from './claim.ts';
import './engagement.css';

/** A checkpoint being written, with a key of its own for the list. */
type Draft = CheckpointBody & { key: string };
const blank = (): Draft => ({ key: crypto.randomUUID(), name: '', points: 25 });

/** Organisers: a new hunt, checkpoint by checkpoint; then its codes to print. */
export function HuntEditorScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [ordered, setOrdered] = useState(false);
  const [checkpoints, setCheckpoints] = useState<Draft[]>([blank(), blank(), blank()]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = (i: number, change: Partial<Draft>) =>
    setCheckpoints((all) => all.map((cp, j) => (j === i ? { ...cp, ...change } : cp)));

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.api.engagement.createHunt(id, {
        title: title.trim(),
        ordered,
        checkpoints: checkpoints
          .filter((cp) => cp.name.trim())
          .map((cp) => ({
            name: cp.name.trim(),
            ...(cp.points ? { points: cp.points } : {}),
            ...(cp.clue?.trim() ? { clue: cp.clue.trim() } : {}),
            ...(cp.hint?.trim() ? { hint: cp.hint.trim(), hintCost: cp.hintCost ?? 5 } : {}),
          })),
      });
      navigate(`/events/${id}/hunts/codes`);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="New scavenger hunt" back={{ href: `/events/${id}`, label: 'Event' }}>
      <form className="stack" onSubmit={save}>
        <label className="field">
          Title
          <input required maxLength={80} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <label className="check">
          <input type="checkbox" checked={ordered} onChange={(e) => setOrdered(e.currentTarget.checked)} />{' '}
          Found in order (each clue leads to the next)
        </label>
        {checkpoints.map((cp, i) => (
          <fieldset key={cp.key} className="panel">
            <legend>Checkpoint {i + 1}</legend>
            <label className="field">
              Name
              <input
                maxLength={80}
                value={cp.name}
                onChange={(e) => edit(i, { name: e.currentTarget.value })}
              />
            </label>
            <label className="field">
              Points
              <input
                type="number"
                min={1}
                max={1000}
                value={cp.points ?? 25}
                onChange={(e) => edit(i, { points: Number(e.currentTarget.value) || 25 })}
              />
            </label>
            <label className="field">
              Clue
              <input
                maxLength={500}
                value={cp.clue ?? ''}
                onChange={(e) => edit(i, { clue: e.currentTarget.value })}
              />
            </label>
            <label className="field">
              Hint (costs 5 points to see)
              <input
                maxLength={500}
                value={cp.hint ?? ''}
                onChange={(e) => edit(i, { hint: e.currentTarget.value })}
              />
            </label>
          </fieldset>
        ))}
        <button
          type="button"
          className="button"
          onClick={() => setCheckpoints((all) => [...all, blank()])}
          disabled={checkpoints.length >= 50}
        >
          Add a checkpoint
        </button>
        <FormError error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          Create the hunt
        </button>
      </form>
    </Page>
  );
}

/** Organisers: a team challenge — team points, a whole hunt, or everyone through the door. */
export function ChallengeForm({ eventId, hunts }: { eventId: string; hunts: HuntList['items'] }) {
  const [title, setTitle] = useState('');
  const [goal, setGoal] = useState<ChallengeGoal>('team_points');
  const [target, setTarget] = useState(200);
  const [huntId, setHuntId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    try {
      const created = await client.api.engagement.createChallenge(eventId, {
        title: title.trim(),
        goal,
        ...(goal === 'team_points' ? { target } : {}),
        ...(goal === 'hunt' ? { huntId: huntId || hunts[0]?.id || '' } : {}),
      });
      setSaved(`“${created.title}” is on for every team.`);
      setTitle('');
    } catch (caught) {
      setError(describeError(caught));
    }
  }
  return (
    <form className="panel stack" onSubmit={save} aria-labelledby="challenge-title">
      <h2 id="challenge-title">New team challenge</h2>
      <label className="field">
        Title
        <input required maxLength={80} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label className="field">
        Goal
        <select value={goal} onChange={(e) => setGoal(e.currentTarget.value as ChallengeGoal)}>
          <option value="team_points">Reach points as a team</option>
          <option value="hunt">Find every checkpoint of a hunt together</option>
          <option value="all_checked_in">Everyone in the team checked in</option>
        </select>
      </label>
      {goal === 'team_points' ? (
        <label className="field">
          Team points to reach
          <input
            type="number"
            min={1}
            value={target}
            onChange={(e) => setTarget(Number(e.currentTarget.value) || 1)}
          />
        </label>
      ) : null}
      {goal === 'hunt' ? (
        <label className="field">
          Hunt
          <select value={huntId} onChange={(e) => setHuntId(e.currentTarget.value)}>
            {hunts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.title}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <FormError error={error} />
      {saved ? <p role="status">{saved}</p> : null}
      <button type="submit" className="button primary">
        Add the challenge
      </button>
    </form>
  );
}

/** Every checkpoint's QR and code, to print and stick up around the venue (staff only see codes). */
export function HuntCodesScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const [hunts, setHunts] = useState<HuntList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.api.engagement.hunts(id).then(setHunts, (caught: unknown) => setError(describeError(caught)));
  }, [id]);
  return (
    <Page
      title="Checkpoint codes"
      back={{ href: `/events/${id}`, label: 'Event' }}
      actions={
        <button type="button" className="button" onClick={() => window.print()}>
          Print
        </button>
      }
    >
      <FormError error={error} />
      {hunts ? <ChallengeForm eventId={id} hunts={hunts.items} /> : null}
      {hunts?.items.map((hunt) => (
        <section key={hunt.id}>
          <h2>{hunt.title}</h2>
          <ul className="hunt-codes">
            {hunt.checkpoints.map((cp) =>
              cp.code ? (
                <li key={cp.id}>
                  <QrCode url={huntLink(cp.code)} label={`QR code of ${cp.name}`} />
                  <strong>{cp.name}</strong>
                  <div className="hunt-code">{`${cp.code.slice(0, 4)}-${cp.code.slice(4)}`}</div>
                </li>
              ) : null,
            )}
          </ul>
        </section>
      ))}
    </Page>
  );
}
