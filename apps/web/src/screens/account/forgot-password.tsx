import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../../client.ts';
import { Field, FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { describeError } from '../../lib/errors.ts';

/**
 * Asks for a reset mail. The answer is the same whether or not an account has the address (the
 * server answers alike too), so this page cannot be used to find out who has an account.
 */
export function ForgotPasswordScreen() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      await client.api.auth.requestPasswordReset({ email });
      setSentTo(email);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Forgot your password?" back={{ href: '/', label: 'Sign in' }}>
      {sentTo ? (
        <p role="status" data-testid="reset-requested">
          If an account uses {sentTo}, a mail with a link to choose a new password is on its way. The link
          works for one hour.
        </p>
      ) : (
        <form className="stack" onSubmit={submit}>
          <p>
            Enter the e-mail address of your account and we will mail you a link to choose a new password.
          </p>
          <Field label="E-mail" name="email" type="email" autoComplete="email" required maxLength={320} />
          <FormError error={error} />
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Please wait…' : 'Send reset link'}
          </button>
        </form>
      )}
      <p>
        <Link href="/">Back to sign in</Link>
      </p>
    </Page>
  );
}
