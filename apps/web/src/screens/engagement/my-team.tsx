import { type FormEvent, useState } from 'react';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { describeError } from '../../lib/errors.ts';
import { useTeams } from './board-hooks.ts';

/** My team at the event: leave it, or join one, or start one (and become its captain). */
export function MyTeam({ eventId }: { eventId: string }) {
  const { teams, error, reload, setError } = useTeams(eventId);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const mine = teams?.items.find((team) => team.id === teams.mine);

  async function act(run: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await run();
      reload();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }
  function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    void act(async () => {
      await client.api.engagement.createTeam(eventId, { name: name.trim() });
      setName('');
    });
  }

  if (!teams) return <FormError error={error} />;
  return (
    <section className="panel" aria-labelledby="team-title">
      <h2 id="team-title">Your team</h2>
      {mine ? (
        <>
          <p data-testid="my-team">
            <strong>{mine.name}</strong> · {mine.members} {mine.members === 1 ? 'member' : 'members'}
            {mine.captainId === client.user?.id ? ' · you are the captain' : ''}
          </p>
          <button
            type="button"
            className="link-button"
            disabled={busy}
            onClick={() => void act(() => client.api.engagement.leaveTeam(mine.id))}
          >
            Leave {mine.name}
          </button>
        </>
      ) : (
        <p className="meta">Points count double the fun together: join a team or start one.</p>
      )}
      {teams.items.filter((team) => team.id !== teams.mine).length ? (
        <ul className="team-list">
          {teams.items
            .filter((team) => team.id !== teams.mine)
            .map((team) => (
              <li key={team.id}>
                <span>
                  {team.name} <span className="meta">· {team.members}</span>
                </span>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() => void act(() => client.api.engagement.joinTeam(team.id))}
                >
                  Join
                </button>
              </li>
            ))}
        </ul>
      ) : null}
      <form className="search-row" onSubmit={create} aria-label="Start a team">
        <label htmlFor="team-name" className="visually-hidden">
          Team name
        </label>
        <input
          id="team-name"
          placeholder="New team name"
          maxLength={60}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" className="button" disabled={busy || !name.trim()}>
          Start a team
        </button>
      </form>
      <FormError error={error} />
    </section>
  );
}
