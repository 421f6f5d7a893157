import type { Speaker } from '@muster/protocol';
import { Link } from 'wouter';
import { Avatar } from './avatar.tsx';

/** The speakers of one session, each a link to their page; nothing while they are unknown. */
export function SpeakerChips({
  eventId,
  speakerIds,
  speakers,
}: {
  eventId: string;
  speakerIds: string[];
  speakers: Speaker[] | undefined;
}) {
  const named = speakerIds.flatMap((id) => speakers?.find((s) => s.id === id) ?? []);
  if (!named.length) return null;
  return (
    <ul className="speaker-chips" aria-label="Speakers">
      {named.map((speaker) => (
        <li key={speaker.id}>
          <Link href={`/events/${eventId}/speakers/${speaker.id}`} className="speaker-chip">
            <Avatar person={speaker} size={28} />
            <span>{speaker.name}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
