import { useEffect, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { linkError, ResendVerification } from '../../components/resend-verification.tsx';

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
