import type { User } from '@muster/protocol';
import { useState } from 'react';
import { Link } from 'wouter';
import { client } from '../client.ts';
import { FormError } from '../components/field.tsx';
import { ImagePicker } from '../components/image-picker.tsx';
import { ResendVerification } from '../components/resend-verification.tsx';
import { Segmented } from '../components/segmented.tsx';
import { useUser } from '../hooks/session.ts';
import { describeError } from '../lib/errors.ts';
import { applyTheme, savedTheme, type Theme } from '../lib/theme.ts';
import { Achievements } from './engagement/achievements.tsx';

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

/** Opt in to (or out of) the attendee directory of the events I take part in. */
function DirectoryChoice({ listed }: { listed: boolean }) {
  const [checked, setChecked] = useState(listed);
  const [error, setError] = useState<string | null>(null);
  async function change(next: boolean) {
    setChecked(next);
    setError(null);
    try {
      await client.api.me.update({ directoryVisible: next });
    } catch (caught) {
      setChecked(!next);
      setError(describeError(caught));
    }
  }
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={checked} onChange={(e) => void change(e.currentTarget.checked)} />
        List me in the people of events I take part in, so others there can message me
      </label>
      <FormError error={error} />
    </>
  );
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
      <p>
        <Link href="/card" className="button">
          My card
        </Link>
        <Link href="/connections" className="button">
          Connections
        </Link>
        <Link href="/tickets" className="button">
          My tickets
        </Link>{' '}
        <Link href="/settings/notifications" className="button">
          Notifications
        </Link>
      </p>
      {user ? <PhotoPicker user={user} /> : null}
      {user?.emailVerified === false ? (
        <>
          <p className="hint">Your e-mail address is not verified yet: open the link we mailed you.</p>
          <ResendVerification />
        </>
      ) : null}
      <Achievements />
      <h2>Attendee directories</h2>
      <DirectoryChoice listed={user?.directoryVisible === true} />
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

/** The profile photo attendees see on speaker pages; the answer updates this device at once. */
function PhotoPicker({ user }: { user: User }) {
  const show = (updated: User) => client.events.emit('profile', { user: updated });
  return (
    <ImagePicker
      label="Profile photo"
      image={user.avatar}
      sizes="120px"
      upload={async (file) => show(await client.api.me.setAvatar(file))}
      remove={async () => show(await client.api.me.clearAvatar())}
    />
  );
}
