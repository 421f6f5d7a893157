import type { TicketAtDoor } from '@muster/protocol';
import type { DoorScanner, DoorState, ScanVerdict } from '@muster/sdk';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../../client.ts';
import { Page } from '../../components/page.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { useEvent, useIsStaff } from '../../hooks/event.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import { signal } from './feedback.ts';
import './door.css';

// The camera and its decoder load only when a scanner turns the camera on.
const CameraScanner = lazy(() => import('./camera.tsx').then((m) => ({ default: m.CameraScanner })));

type Direction = 'in' | 'out';
const DIRECTIONS = [
  { value: 'in', label: 'Entry' },
  { value: 'out', label: 'Exit' },
] as const;
const doorKey = (eventId: string) => `muster:door:${eventId}`;

/**
 * The door (organisers, staff, volunteers): a hardware scanner types into the always-ready field,
 * the camera reads QR codes, staff can search by name. Each verdict fills the screen in colour with a
 * tone and a buzz. With no network the phone keeps deciding on its own and says how many scans wait.
 */
export function DoorScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const staff = useIsStaff(event);
  const [doorId, setDoorId] = useState(() => localStorage.getItem(doorKey(id)) ?? 'Main entrance');
  const [doorDraft, setDoorDraft] = useState(doorId);
  const [door, setDoor] = useState<DoorScanner | null>(null);
  const [state, setState] = useState<DoorState | null>(null);
  const [direction, setDirection] = useState<Direction>('in');
  const [verdict, setVerdict] = useState<ScanVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [camera, setCamera] = useState(false);

  useEffect(() => {
    if (!id) return;
    let scanner: DoorScanner | null = null;
    let stop = () => {};
    let cancelled = false;
    client.door(id, { doorId }).then(
      (opened) => {
        if (cancelled) return opened.close();
        scanner = opened;
        setDoor(opened);
        setState(opened.state());
        stop = opened.events.on('changed', setState);
      },
      (e) => setError(describeError(e)),
    );
    return () => {
      cancelled = true;
      stop();
      scanner?.close();
    };
  }, [id, doorId]);

  const scan = async (code: string, ticketId?: string) => {
    if (!door || (!code.trim() && !ticketId)) return;
    setError(null);
    try {
      const result = await door.scan(code, { direction, ...(ticketId ? { ticketId } : {}) });
      setVerdict(result);
      signal(
        result.result === 'admitted' || result.result === 'exited'
          ? result.conflict
            ? 'warn'
            : 'ok'
          : result.result === 'already_checked_in'
            ? 'warn'
            : 'bad',
      );
    } catch (e) {
      setError(describeError(e));
      signal('bad');
    }
  };

  return (
    <Page title={event ? `Door · ${event.title}` : 'Door'} back={{ href: `/events/${id}`, label: 'Event' }}>
      <div className="door">
        <div className="door-controls">
          <label className="door-name">
            Door name
            <input
              value={doorDraft}
              maxLength={40}
              onChange={(e) => setDoorDraft(e.target.value)}
              // The scanner is re-opened under the new name once it is typed, not on every key.
              onBlur={() => {
                const name = doorDraft.trim() || 'Main entrance';
                localStorage.setItem(doorKey(id), name);
                setDoorId(name);
              }}
            />
          </label>
          <Segmented<Direction>
            legend="Direction"
            name="direction"
            options={DIRECTIONS}
            value={direction}
            onChange={setDirection}
          />
        </div>
        {state && !state.online ? (
          <p className="door-offline" role="status" data-testid="door-offline">
            Offline — scans are checked on this device and will sync ({state.pending} waiting).
          </p>
        ) : state?.pending ? (
          <p className="door-syncing" role="status">
            Sending {state.pending} scans…
          </p>
        ) : null}
        <VerdictPanel verdict={verdict} timeZone={event?.timezone ?? 'UTC'} />
        <WedgeInput onCode={(code) => void scan(code)} disabled={!door} />
        <p>
          <button type="button" className="button" onClick={() => setCamera((c) => !c)}>
            {camera ? 'Stop camera' : 'Scan with camera'}
          </button>
        </p>
        {camera ? (
          <Suspense fallback={<p role="status">Starting the camera…</p>}>
            <CameraScanner onCode={(code) => void scan(code)} />
          </Suspense>
        ) : null}
        {staff && verdict?.checkinId && verdict.result === 'admitted' ? (
          <button
            type="button"
            className="button"
            onClick={() =>
              void client.api.door.undo(verdict.checkinId!).then(
                () => setVerdict({ ...verdict, result: 'rejected', checkinId: null }),
                (e) => setError(describeError(e)),
              )
            }
          >
            Undo this check-in
          </button>
        ) : null}
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {state?.conflicts.length ? (
          <Conflicts conflicts={state.conflicts} timeZone={event?.timezone ?? 'UTC'} />
        ) : null}
        {staff ? <ManualSearch eventId={id} onPick={(ticket) => void scan('', ticket.id)} /> : null}
        {staff ? (
          <p>
            <Link href={`/events/${id}/door/dashboard`}>Door dashboard</Link>
          </p>
        ) : null}
      </div>
    </Page>
  );
}

const VERDICT_TEXT: Record<ScanVerdict['result'], string> = {
  admitted: 'Welcome in',
  exited: 'Exit recorded',
  already_checked_in: 'Already inside',
  invalid: 'Not a valid ticket',
  void: 'Ticket cancelled',
  rejected: 'Check-in undone',
};

function VerdictPanel({ verdict, timeZone }: { verdict: ScanVerdict | null; timeZone: string }) {
  if (!verdict)
    return (
      <div className="verdict idle" aria-live="assertive" data-testid="verdict">
        Ready to scan
      </div>
    );
  const tone =
    verdict.conflict || verdict.result === 'already_checked_in'
      ? 'warn'
      : verdict.result === 'admitted' || verdict.result === 'exited'
        ? 'ok'
        : 'bad';
  return (
    <div
      className={`verdict ${tone}`}
      aria-live="assertive"
      data-testid="verdict"
      data-result={verdict.result}
    >
      <strong>{verdict.conflict ? 'Admitted twice!' : VERDICT_TEXT[verdict.result]}</strong>
      {verdict.ticket ? (
        <span className="verdict-who">
          {verdict.ticket.holderName} · {verdict.ticket.ticketTypeName}
        </span>
      ) : verdict.offline && verdict.result === 'admitted' ? (
        <span className="verdict-who">Valid ticket, checked on this device</span>
      ) : null}
      {verdict.firstCheckin ? (
        <span className="verdict-first">
          First in at {verdict.firstCheckin.doorId ?? 'a door'},{' '}
          {formatDateTime(verdict.firstCheckin.at, timeZone)}
        </span>
      ) : null}
    </div>
  );
}

/**
 * A hardware scanner is a keyboard: it types the code and presses Enter. The field keeps the focus
 * (returned after each scan) so a steward never has to tap it; people can type a code too.
 */
function WedgeInput({ onCode, disabled }: { onCode(code: string): void; disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  useEffect(() => {
    if (!disabled) input.current?.focus();
  }, [disabled]);
  return (
    <form
      className="wedge"
      onSubmit={(e) => {
        e.preventDefault();
        onCode(value);
        setValue('');
        input.current?.focus();
      }}
    >
      <label>
        Scan or type a ticket code
        <input
          ref={input}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          enterKeyHint="go"
          data-testid="wedge"
          disabled={disabled}
        />
      </label>
      <button type="submit" className="button primary" disabled={disabled}>
        Check
      </button>
    </form>
  );
}

function Conflicts({ conflicts, timeZone }: { conflicts: ScanVerdict[]; timeZone: string }) {
  return (
    <section className="panel door-conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Admitted twice ({conflicts.length})</h2>
      <p className="muted">
        These tickets were also let in at another door while this one was offline. Check with your lead.
      </p>
      <ul>
        {conflicts.map((c) => (
          <li key={c.scanId} data-testid="door-conflict">
            {c.ticket?.holderName ?? 'Ticket'} — also at {c.firstCheckin?.doorId ?? 'another door'}
            {c.firstCheckin ? `, ${formatDateTime(c.firstCheckin.at, timeZone)}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ManualSearch({ eventId, onPick }: { eventId: string; onPick(ticket: TicketAtDoor): void }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<TicketAtDoor[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="search-title">
      <h2 id="search-title">Find a ticket</h2>
      <form
        className="wedge"
        onSubmit={(e) => {
          e.preventDefault();
          if (!q.trim()) return;
          client.api.door.search(eventId, q.trim()).then(
            (answer) => {
              setFound(answer.items);
              setError(null);
            },
            (err) => setError(describeError(err)),
          );
        }}
      >
        <label>
          Name, order or ticket number
          <input value={q} onChange={(e) => setQ(e.target.value)} maxLength={120} />
        </label>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {error ? <p className="error">{error}</p> : null}
      {found?.length === 0 ? <p className="muted">No ticket matches.</p> : null}
      <ul className="cards">
        {found?.map((ticket) => (
          <li key={ticket.id} className="card search-hit">
            <span>
              <strong>{ticket.holderName}</strong> · {ticket.ticketTypeName}
              {ticket.status === 'void' ? ' · cancelled' : ticket.checkedIn ? ' · inside' : ''}
            </span>
            <button
              type="button"
              className="button"
              disabled={ticket.status === 'void'}
              onClick={() => onPick(ticket)}
            >
              Check in
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
