import { useState } from 'react';
import { Link } from 'wouter';
import { client } from '../client.ts';
import { useUser } from '../hooks/session.ts';
import { describeError } from '../lib/errors.ts';
import { FormError } from './field.tsx';

/** The server's reason for a refused link token, said for people. */
export function linkError(caught: unknown): string {
  const text = describeError(caught);
  if (/expired/.test(text)) return 'This link has expired.';
  if (/token/.test(text)) return 'This link is not valid any more (it may have been used already).';
  return text;
}

/** "Send a new link" for the signed-in user; signed out, the way to sign in first. */
export function ResendVerification() {
  const user = useUser();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!user)
    return (
      <p>
        <Link href="/">Sign in</Link> and ask for a new verification link from your profile.
      </p>
    );
  if (sent) return <p role="status">A new link is on its way to {user.email}.</p>;
  async function resend() {
    setBusy(true);
    setError(null);
    try {
      await client.api.auth.requestVerification();
      setSent(true);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <FormError error={error} />
      <button type="button" className="button" disabled={busy} onClick={() => void resend()}>
        Send a new verification link
      </button>
    </>
  );
}
