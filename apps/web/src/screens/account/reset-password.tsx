import { type FormEvent, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { client } from '../../client.ts';
import { Field, FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { linkError } from '../../components/resend-verification.tsx';
import { useUser } from '../../hooks/session.ts';
import { describeError } from '../../lib/errors.ts';

/**
 * Where the reset mail's link lands (`/reset-password?token=`): a new password for the account.
 * The server signs every device out afterwards, this one included, so the next step is to sign in.
 */
export function ResetPasswordScreen() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const user = useUser();
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [linkBroken, setLinkBroken] = useState(!token);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      await client.api.auth.resetPassword({ token, password });
      setDone(true);
      // Every session of the account was revoked; end this one here too rather than on its next refresh.
      if (user) await client.signOut();
    } catch (caught) {
      const broken = /token/.test(describeError(caught));
      setLinkBroken(broken);
      setError(broken ? linkError(caught) : describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Choose a new password">
      {done ? (
        <>
          <p role="status" data-testid="password-reset">
            Your password is changed, and every device was signed out.
          </p>
          <p>
            <Link href="/">Sign in with your new password</Link>
          </p>
        </>
      ) : linkBroken ? (
        <>
          <FormError error={error ?? 'This link has no token. Open the link from the mail again.'} />
          <p>
            <Link href="/forgot-password">Ask for a new reset link</Link>
          </p>
        </>
      ) : (
        <form className="stack" onSubmit={submit}>
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            maxLength={256}
            hint="At least 10 characters."
          />
          <FormError error={error} />
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Please wait…' : 'Set new password'}
          </button>
        </form>
      )}
    </Page>
  );
}
