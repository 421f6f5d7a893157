import { useEffect, useRef, useState } from 'react';
import { client } from '../client.ts';
import { useOnline, usePendingCount, useSelect } from '../hooks/store.ts';

const SAVE_AFTER_MS = 600;

/**
 * My private note on a session. Every change goes to the outbox (which merges unsent versions of
 * one note), so it is saved on the device at once and reaches the server when there is a network.
 */
export function NoteEditor({ sessionId }: { sessionId: string }) {
  const note = useSelect((t) => t.notes[sessionId], [sessionId]);
  const online = useOnline();
  usePendingCount();
  const [body, setBody] = useState(note?.body ?? '');
  const editing = useRef(false);
  const timer = useRef<number | null>(null);

  // Someone else's device (or the server) changed the note while we are not typing: show it.
  useEffect(() => {
    if (!editing.current) setBody(note?.body ?? '');
  }, [note?.body]);

  const save = (text: string) => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    if (text !== (client.store.getState().notes[sessionId]?.body ?? ''))
      void client.saveNote(sessionId, text);
  };
  const latest = useRef(body);
  latest.current = body;
  const saveRef = useRef(save);
  saveRef.current = save;
  // Leaving the screen mid-sentence: what was typed is saved, not dropped with the timer.
  useEffect(
    () => () => {
      if (timer.current !== null) saveRef.current(latest.current);
    },
    [],
  );

  const queued = client.pending().some((m) => m.input.kind === 'note.put' && m.input.sessionId === sessionId);
  const status = queued
    ? online
      ? 'Saving…'
      : 'Saved on this device; it will sync when you are back online.'
    : note?.updatedAt
      ? 'Saved.'
      : '';

  return (
    <div className="field note">
      <label htmlFor="note">My private note</label>
      <textarea
        id="note"
        rows={6}
        maxLength={20_000}
        value={body}
        aria-describedby="note-status"
        onFocus={() => {
          editing.current = true;
        }}
        onBlur={() => {
          editing.current = false;
          save(body);
        }}
        onChange={(e) => {
          const text = e.target.value;
          setBody(text);
          if (timer.current !== null) window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => save(text), SAVE_AFTER_MS);
        }}
      />
      <small id="note-status" className="hint" role="status" data-testid="note-status">
        {status}
      </small>
    </div>
  );
}
