import { client } from '../../client.ts';
import { useRead } from '../live/live-hooks.ts';

/** Who did what, when and why (organisers and staff), newest first. */
export function AuditLog({ eventId }: { eventId: string }) {
  const { data, error, reload } = useRead(() => client.api.moderation.audit(eventId), [eventId]);
  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h2 id="audit-title">Audit log</h2>
        <button type="button" className="button" onClick={reload}>
          Refresh
        </button>
      </div>
      {error ? <p role="alert">{error}</p> : null}
      {!data && !error ? <p role="status">Loading…</p> : null}
      {data && data.items.length === 0 ? <p className="muted">No actions yet.</p> : null}
      {data?.items.length ? (
        <table className="audit" data-testid="audit-log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">On</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((entry) => (
              <tr key={entry.id}>
                <td>{new Date(entry.at).toLocaleString()}</td>
                <td>{entry.source === 'automatic' ? 'Automatic' : (entry.actor?.name ?? '—')}</td>
                <td>
                  {entry.action}
                  {entry.until ? ` until ${new Date(entry.until).toLocaleString()}` : ''}
                </td>
                <td>{entry.targetType}</td>
                <td>{entry.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
