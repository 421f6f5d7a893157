import type { HuntCheckpoint, HuntList } from '@muster/protocol';
import { type FormEvent, lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { useEvent } from '../../hooks/event.ts';
import { describeError } from '../../lib/errors.ts';
import { claimCode, claimMessage } from './claim.ts';
import './engagement.css';

const CameraScanner = lazy(() => import('../door/camera.tsx').then((m) => ({ default: m.CameraScanner })));

/**
 * The event's scavenger hunts: clues, what I found, hints for points, and the camera to scan a
 * checkpoint's code (or type it).
 */
export function HuntScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const [hunts, setHunts] = useState<HuntList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [camera, setCamera] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    client.api.engagement.hunts(id).then(setHunts, (caught: unknown) => setError(describeError(caught)));
  }, [id]);
  useEffect(reload, [reload]);

  async function claim(scanned: string) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setResult(claimMessage(await claimCode(scanned)));
      setCamera(false);
      setCode('');
      reload();
    } catch (caught) {
      setResult(null);
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    void claim(code);
  }

  return (
    <Page title="Scavenger hunt" back={{ href: `/events/${id}/leaderboard`, label: 'Leaderboard' }}>
      {result ? (
        <p className="claim-result" role="status" data-testid="claim-result">
          {result}
        </p>
      ) : null}
      <FormError error={error} />
      <div className="panel">
        <button type="button" className="button primary" onClick={() => setCamera((on) => !on)}>
          {camera ? 'Close the camera' : 'Scan a checkpoint'}
        </button>
        {camera ? (
          <Suspense fallback={<p role="status">Starting the camera…</p>}>
            <CameraScanner onCode={(scanned) => void claim(scanned)} />
          </Suspense>
        ) : null}
        <form className="search-row" onSubmit={submit} aria-label="Enter a code">
          <label htmlFor="hunt-code" className="visually-hidden">
            Checkpoint code
          </label>
          <input
            id="hunt-code"
            placeholder="Or type the code, e.g. 7KQ2-M9XD"
            autoCapitalize="characters"
            autoComplete="off"
            maxLength={40}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
          />
          <button type="submit" className="button" disabled={busy || code.trim().length < 4}>
            Claim
          </button>
        </form>
      </div>
      {hunts === null && !error ? <p role="status">Loading…</p> : null}
      {hunts?.items.length === 0 ? (
        <p className="muted">No hunt at {event?.title ?? 'this event'} yet.</p>
      ) : null}
      {hunts?.items.map((hunt) => (
        <section key={hunt.id} aria-labelledby={`hunt-${hunt.id}`}>
          <h2 id={`hunt-${hunt.id}`}>
            {hunt.title}{' '}
            <span className="meta">
              {hunt.found} of {hunt.checkpoints.length} found{hunt.ordered ? ' · in order' : ''}
            </span>
          </h2>
          <ol className="checkpoints">
            {hunt.checkpoints.map((checkpoint) => (
              <Checkpoint key={checkpoint.id} checkpoint={checkpoint} onHint={reload} onError={setError} />
            ))}
          </ol>
        </section>
      ))}
      <Link href={`/events/${id}/leaderboard`} className="button">
        See the leaderboard
      </Link>
    </Page>
  );
}

function Checkpoint({
  checkpoint,
  onHint,
  onError,
}: {
  checkpoint: HuntCheckpoint;
  onHint(): void;
  onError(error: string): void;
}) {
  async function hint() {
    try {
      await client.api.engagement.hint(checkpoint.id);
      onHint();
    } catch (caught) {
      onError(describeError(caught));
    }
  }
  return (
    <li className={checkpoint.found ? 'checkpoint found' : 'checkpoint'}>
      <div className="checkpoint-head">
        <span>
          {checkpoint.found ? '✅ ' : ''}
          {checkpoint.name}
        </span>
        <span className="meta">{checkpoint.points} pts</span>
      </div>
      {checkpoint.clue ? <p className="meta">Clue: {checkpoint.clue}</p> : null}
      {checkpoint.hint ? <p className="meta">Hint: {checkpoint.hint}</p> : null}
      {checkpoint.hasHint && !checkpoint.hint && !checkpoint.found ? (
        <button type="button" className="link-button" onClick={() => void hint()}>
          Show a hint (costs {checkpoint.hintCost} {checkpoint.hintCost === 1 ? 'point' : 'points'})
        </button>
      ) : null}
    </li>
  );
}
