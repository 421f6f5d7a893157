import { useState } from 'react';
import { client } from '../client.ts';
import { Segmented } from '../components/segmented.tsx';
import { useUser } from '../hooks/session.ts';
import { applyTheme, savedTheme, type Theme } from '../lib/theme.ts';

const themes: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/**
 * Signs out and deletes this user's data from the device (their notes are private, and the phone
 * may be shared). Writes not sent yet would be lost: the user is asked first.
 */
async function signOut() {
  const pending = client.pending().length;
  if (
    pending > 0 &&
    !window.confirm(`${pending} change(s) have not reached the server yet and will be lost. Sign out anyway?`)
  )
    return;
  await client.signOut({ forget: true });
}

/** Profile and settings: who is signed in, the colour theme for this device, and signing out. */
export function ProfileScreen() {
  const user = useUser();
  const [theme, setTheme] = useState<Theme>(savedTheme);
  const choose = (next: Theme) => {
    setTheme(next);
    applyTheme(next);
  };
  return (
    <section className="profile" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Profile
      </h1>
      <dl>
        <dt>Name</dt>
        <dd data-testid="profile-name">{user?.name}</dd>
        <dt>E-mail</dt>
        <dd data-testid="profile-email">{user?.email ?? 'None'}</dd>
      </dl>
      <h2>Appearance</h2>
      <Segmented
        legend="Theme"
        name="theme"
        options={themes}
        value={theme}
        onChange={choose}
        describedBy="theme-hint"
      />
      <p id="theme-hint" className="hint">
        System follows your device's light or dark setting. The choice is kept on this device.
      </p>
      <h2>Account</h2>
      <p className="hint">Signing out removes your data, including private notes, from this device.</p>
      <button type="button" className="button danger" onClick={() => void signOut()}>
        Sign out
      </button>
    </section>
  );
}
