import type { Hunt } from '@muster/protocol';
import type { Account, Call } from './demo.ts';

/**
 * The game of the demo: a coffee hunt around the venue, two teams, and first points on the board,
 * so the leaderboard and the hunt open with something to see and somewhere to go.
 */
export async function seedGame(
  call: Call,
  accounts: Record<string, Account>,
  eventId: string,
): Promise<void> {
  const organiser = accounts.organiser!.token;
  const hunt = await call<Hunt>('POST', `/api/v1/events/${eventId}/hunts`, organiser, {
    title: 'The coffee trail',
    checkpoints: [
      { name: 'Espresso bar', points: 30, clue: 'Follow the smell of fresh beans in the foyer.' },
      {
        name: 'Roastery stand',
        points: 25,
        clue: 'Where the sponsors roast live.',
        hint: 'Hall B, left of the stage',
        hintCost: 5,
      },
      { name: 'Tea corner', points: 20, clue: 'Not everybody drinks coffee.' },
      { name: 'Rooftop kiosk', points: 40, clue: 'Highest point of the venue, best view of Berlin.' },
    ],
  });
  await call('POST', `/api/v1/events/${eventId}/challenges`, organiser, {
    title: 'Coffee crew: the whole trail together',
    goal: 'hunt',
    huntId: hunt.id,
    points: 60,
  });
  await call('POST', `/api/v1/events/${eventId}/challenges`, organiser, {
    title: '300 points as a team',
    goal: 'team_points',
    target: 300,
    points: 40,
  });
  const [espresso, roastery] = hunt.checkpoints;
  const speaker = accounts.speaker!.token;
  const attendee = accounts.attendee!.token;
  const owls = await call<{ id: string }>('POST', `/api/v1/events/${eventId}/teams`, attendee, {
    name: 'Night Owls',
  });
  await call('POST', `/api/v1/events/${eventId}/teams`, speaker, { name: 'Early Birds' });
  await call('POST', `/api/v1/teams/${owls.id}/join`, accounts.speaker2!.token);
  await call('POST', '/api/v1/hunts/checkpoints/claim', attendee, { code: espresso!.code });
  await call('POST', '/api/v1/hunts/checkpoints/claim', speaker, { code: roastery!.code });
}
