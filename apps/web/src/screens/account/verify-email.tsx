import { useEffect, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { useUser } from '../../hooks/session.ts';
import { describeError } from '../../lib/errors.ts';

type State = { kind: 'checking' } | { kind: 'verified' } | { kind: 'failed'; error: string };

/**
 * Where the verification mail's link lands (`/verify-email?token=`): redeems the token once and
 * says how it went. A failed link (expired, or the address changed since) offers a fresh one, which
 * needs the account, so signed out it sends the person to sign in first.
 */
export function VerifyEmailScreen() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [state, setState] = useState<State>({ kind: 'checking' });
  useEffect(() => {
    if (!token) {
      setState({ kind: 'failed', error: 'This link has no token. Open the link from the mail again.' });
      return;
    }
    let current = true;
    client.api.auth.verifyEmail({ token }).then(
      () => current && setState({ kind: 'verified' }),
      (caught: unknown) => current && setState({ kind: 'failed', error: linkError(caught) }),
    );
    return () => {
      current = false;
    };
  }, [token]);

  return (
    <Page title="Verify your e-mail">
      {state.kind === 'checking' ? <p role="status">Checking your link…</p> : null}
      {state.kind === 'verified' ? (
        <>
          <p role="status" data-testid="verified">
            Your e-mail address is verified. Thank you!
          </p>
          <p>
            <Link href="/">Continue to Muster</Link>
          </p>
        </>
      ) : null}
      {state.kind === 'failed' ? (
        <>
          <FormError error={state.error} />
          <ResendVerification />
        </>
      ) : null}
    </Page>
  );
}

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
