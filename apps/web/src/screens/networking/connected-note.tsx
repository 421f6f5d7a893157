import type { Connection } from '@muster/protocol';

/** What a scan did: connected, or asked and waiting for the other to scan back or accept. */
export function ConnectedNote({ connection, onSave }: { connection: Connection; onSave(): void }) {
  return (
    <div className="panel" role="status" data-testid="met">
      <p>
        <strong>{connection.name}</strong>
        {connection.headline ? <span className="meta"> · {connection.headline}</span> : null}
      </p>
      <p>
        {connection.status === 'accepted'
          ? 'You are connected.'
          : `Asked to connect: ${connection.name} will see it, or scan your card back.`}
      </p>
      <button type="button" className="button" onClick={onSave}>
        Save contact (vCard)
      </button>
    </div>
  );
}
