import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../client.ts';
import { Field, FormError } from '../components/field.tsx';
import { Page } from '../components/page.tsx';
import { announceUser } from '../hooks/session.ts';
import { describeError } from '../lib/errors.ts';

/** Sign in, or create an account (`mode="sign-up"`). */
export function SignInScreen({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signUp = mode === 'sign-up';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      if (signUp) await client.register({ email, password, name: String(form.get('name') ?? '').trim() });
      else await client.signIn({ email, password });
      announceUser();
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  return (
    <Page title={signUp ? 'Create your account' : 'Sign in'}>
      <p className="lead">Your events, agenda and messages — live, and still there when the Wi-Fi is not.</p>
      <form className="stack" onSubmit={submit} noValidate={false}>
        {signUp ? <Field label="Name" name="name" autoComplete="name" required maxLength={120} /> : null}
        <Field label="E-mail" name="email" type="email" autoComplete="email" required maxLength={320} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={signUp ? 'new-password' : 'current-password'}
          required
          minLength={signUp ? 10 : 1}
          maxLength={256}
          hint={signUp ? 'At least 10 characters.' : undefined}
        />
        {signUp ? null : (
          <p className="hint">
            <Link href="/forgot-password">Forgot password?</Link>
          </p>
        )}
        <FormError error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Please wait…' : signUp ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p>
        {signUp ? (
          <>
            Have an account? <Link href="/">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/sign-up">Create an account</Link>
          </>
        )}
      </p>
    </Page>
  );
}
