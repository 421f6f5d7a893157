import type { DoorStats } from '@muster/protocol';
import { scopes } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../../client.ts';
import { Page } from '../../components/page.tsx';
import { useEvent } from '../../hooks/event.ts';
import { useFollow, useOnline, useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import './door.css';

/**
 * The door dashboard, live on `door:<eventId>`: how many are in of how many are expected, how fast
 * each door lets people in, every ticket admitted twice, and the arrivals over time.
 */
export function DoorDashboardScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const online = useOnline();
  useFollow(id ? scopes.door(id) : null);
  const live = useSelect((t) => t.doorStats[id], [id]);
  const [loaded, setLoaded] = useState<DoorStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!id || !online) return;
    client.api.door.stats(id).then(setLoaded, (e) => setError(describeError(e)));
  }, [id, online]);
  const stats = live && (!loaded || live.at >= loaded.at) ? live : loaded;
  const zone = event?.timezone ?? 'UTC';
  return (
    <Page
      title={event ? `Door dashboard · ${event.title}` : 'Door dashboard'}
      back={{ href: `/events/${id}/door`, label: 'Scanner' }}
    >
      {error ? <p className="error">{error}</p> : null}
      {!stats ? (
        <p role="status">Loading…</p>
      ) : (
        <div className="door-dashboard">
          <section className="panel" aria-labelledby="in-title">
            <h2 id="in-title">Checked in</h2>
            <p className="door-count" data-testid="door-checked-in">
              <strong>{stats.checkedIn}</strong> of {stats.expected}
            </p>
            <div
              className="door-progress"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={stats.expected}
              aria-valuenow={stats.checkedIn}
              aria-label="Checked in of expected"
            >
              <span
                style={{
                  width: `${stats.expected ? Math.min(100, (100 * stats.checkedIn) / stats.expected) : 0}%`,
                }}
              />
            </div>
          </section>
          <section className="panel" aria-labelledby="doors-title">
            <h2 id="doors-title">Doors</h2>
            {stats.perDoor.length === 0 ? <p className="muted">Nobody scanned yet.</p> : null}
            <table className="door-table">
              <thead>
                <tr>
                  <th scope="col">Door</th>
                  <th scope="col">In</th>
                  <th scope="col">Last minute</th>
                </tr>
              </thead>
              <tbody>
                {stats.perDoor.map((door) => (
                  <tr key={door.doorId ?? '-'}>
                    <th scope="row">{door.doorId ?? 'Unnamed'}</th>
                    <td>{door.count}</td>
                    <td>{door.perMinute}/min</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel" aria-labelledby="curve-title">
            <h2 id="curve-title">Arrivals per minute</h2>
            <Curve points={stats.curve} timeZone={zone} />
          </section>
          <section className="panel door-conflicts" aria-labelledby="conflict-title">
            <h2 id="conflict-title">Admitted twice ({stats.conflicts.length})</h2>
            {stats.conflicts.length === 0 ? <p className="muted">No ticket was let in twice.</p> : null}
            <ul data-testid="dashboard-conflicts">
              {stats.conflicts.map((c) => (
                <li key={c.ticketId} data-testid="dashboard-conflict">
                  <strong>{c.holderName}</strong>:{' '}
                  {c.checkins
                    .map((s) => `${s.doorId ?? 'a door'} ${formatDateTime(s.scannedAt, zone)}`)
                    .join(' and ')}
                </li>
              ))}
            </ul>
          </section>
          <p className="meta">
            Updated {formatDateTime(stats.at, zone)} · <Link href={`/events/${id}/door`}>Scanner</Link>
          </p>
        </div>
      )}
    </Page>
  );
}

/** Arrivals per minute as bars in plain SVG (one bar per minute), with the numbers as text too. */
function Curve({ points, timeZone }: { points: DoorStats['curve']; timeZone: string }) {
  if (points.length === 0) return <p className="muted">No arrivals yet.</p>;
  const max = Math.max(...points.map((p) => p.count), 1);
  const first = Date.parse(points[0]!.minute);
  const minutes = Math.max(Math.round((Date.parse(points.at(-1)!.minute) - first) / 60_000) + 1, 10);
  const width = 300 / minutes;
  const peak = points.reduce((a, b) => (b.count > a.count ? b : a));
  const total = points.reduce((s, p) => s + p.count, 0);
  return (
    <figure className="door-curve">
      <svg
        viewBox="0 0 300 100"
        preserveAspectRatio="none"
        role="img"
        aria-label={`Arrivals per minute, peak ${peak.count} at ${formatDateTime(peak.minute, timeZone)}`}
      >
        {points.map((p) => {
          const height = Math.max(2, (p.count / max) * 96);
          const x = ((Date.parse(p.minute) - first) / 60_000) * width;
          return (
            <rect
              key={p.minute}
              x={x + width * 0.1}
              y={100 - height}
              width={width * 0.8}
              height={height}
              fill="currentColor"
            />
          );
        })}
      </svg>
      <figcaption className="meta">
        Peak {peak.count}/min at {formatDateTime(peak.minute, timeZone)}; {total} admitted in {points.length}{' '}
        {points.length === 1 ? 'minute' : 'minutes'} with arrivals.
      </figcaption>
    </figure>
  );
}
