import type { FormField } from '@muster/protocol';

/** The story the demo tells: who is there, what happens when, and what the organisers say. */

export interface Person {
  key: string;
  name: string;
  role: string;
  headline: string;
  company: string;
  bio: string;
  interests: string[];
}

/** The first is the organiser: their account is the probe that tells whether the demo exists. */
export const people: Person[] = [
  {
    key: 'organiser',
    name: 'Olivia Okafor',
    role: 'organiser',
    headline: 'Runs MusterConf',
    company: 'Muster Community',
    bio: 'Has run meetups in Lagos and Berlin for ten years and still checks the coffee first.',
    interests: ['community', 'events'],
  },
  {
    key: 'staff',
    name: 'Sam Staff',
    role: 'staff',
    headline: 'Door and logistics',
    company: 'Muster Community',
    bio: 'Badges, doors, lost umbrellas.',
    interests: ['logistics'],
  },
  {
    key: 'speaker',
    name: 'Priya Raman',
    role: 'speaker',
    headline: 'Distributed systems engineer',
    company: 'Streamline',
    bio: 'Builds real-time backends and writes about sequence numbers, retries and the lies clocks tell.',
    interests: ['realtime', 'databases'],
  },
  {
    key: 'speaker2',
    name: 'Mateo García',
    role: 'speaker',
    headline: 'Mobile developer',
    company: 'Offline Labs',
    bio: 'Makes apps that keep working in basements, trains and conference halls with bad Wi-Fi.',
    interests: ['mobile', 'offline'],
  },
  {
    key: 'speaker3',
    name: 'Aiko Tanaka',
    role: 'speaker',
    headline: 'Accessibility lead',
    company: 'Open Venue',
    bio: 'Tests every app with a screen reader before lunch and every venue with a wheelchair after.',
    interests: ['accessibility', 'design'],
  },
  {
    key: 'speaker4',
    name: 'Kwame Mensah',
    role: 'speaker',
    headline: 'Community and sponsorship',
    company: 'Meetup Collective',
    bio: 'Grew a ten-person meetup into a three-day conference and kept the sponsors coming back.',
    interests: ['community', 'sponsors'],
  },
  {
    key: 'attendee',
    name: 'Alex Attendee',
    role: 'attendee',
    headline: 'Curious engineer',
    company: 'Freelance',
    bio: 'Here for the talks, staying for the hallway track.',
    interests: ['realtime', 'mobile'],
  },
];

export const TIME_ZONE = 'Europe/Berlin';

export interface Slot {
  /** 1 or 2: the event's first or second day. */
  day: 1 | 2;
  /** Local wall-clock times in `TIME_ZONE`, `HH:MM`. */
  start: string;
  end: string;
  title: string;
  room: 'Main Hall' | 'Room A' | 'Room B' | 'Foyer';
  /** Keys of `people`; none for breaks. */
  speakers: string[];
}

const trackOf: Record<Slot['room'], string | null> = {
  'Main Hall': 'Keynotes',
  'Room A': 'Engineering',
  'Room B': 'Community',
  Foyer: null,
};
export const track = (room: Slot['room']) => trackOf[room];

/** A conference day as people expect it: keynote at nine, two tracks, lunch at half past twelve. */
export const program: Slot[] = [
  {
    day: 1,
    start: '09:00',
    end: '09:45',
    title: 'Opening keynote: events that run themselves',
    room: 'Main Hall',
    speakers: ['organiser'],
  },
  {
    day: 1,
    start: '10:00',
    end: '10:45',
    title: 'Real-time without tears',
    room: 'Room A',
    speakers: ['speaker'],
  },
  {
    day: 1,
    start: '10:00',
    end: '10:45',
    title: 'Community building 101',
    room: 'Room B',
    speakers: ['speaker4'],
  },
  {
    day: 1,
    start: '11:00',
    end: '11:45',
    title: 'Offline-first mobile apps',
    room: 'Room A',
    speakers: ['speaker2'],
  },
  {
    day: 1,
    start: '11:00',
    end: '11:45',
    title: 'Accessible event apps',
    room: 'Room B',
    speakers: ['speaker3'],
  },
  { day: 1, start: '12:30', end: '13:30', title: 'Lunch and networking', room: 'Foyer', speakers: [] },
  {
    day: 1,
    start: '13:30',
    end: '14:15',
    title: 'PostgreSQL as a queue',
    room: 'Room A',
    speakers: ['speaker'],
  },
  {
    day: 1,
    start: '13:30',
    end: '14:15',
    title: 'Running a meetup for ten years',
    room: 'Room B',
    speakers: ['speaker4'],
  },
  {
    day: 1,
    start: '14:30',
    end: '15:15',
    title: 'Designing for bad venue Wi-Fi',
    room: 'Room A',
    speakers: ['speaker2'],
  },
  {
    day: 1,
    start: '14:30',
    end: '15:15',
    title: 'Volunteers are the event',
    room: 'Room B',
    speakers: ['organiser'],
  },
  { day: 1, start: '15:30', end: '16:00', title: 'Coffee break', room: 'Foyer', speakers: [] },
  {
    day: 1,
    start: '16:00',
    end: '16:45',
    title: 'Sequence numbers, not hope',
    room: 'Room A',
    speakers: ['speaker'],
  },
  {
    day: 1,
    start: '16:00',
    end: '16:45',
    title: 'Sponsors who come back',
    room: 'Room B',
    speakers: ['speaker4'],
  },
  {
    day: 2,
    start: '09:00',
    end: '09:45',
    title: 'Day 2 keynote: after the event',
    room: 'Main Hall',
    speakers: ['speaker3', 'speaker4'],
  },
  {
    day: 2,
    start: '10:00',
    end: '10:45',
    title: 'Scaling Socket.IO horizontally',
    room: 'Room A',
    speakers: ['speaker'],
  },
  {
    day: 2,
    start: '10:00',
    end: '10:45',
    title: 'From meetup to conference',
    room: 'Room B',
    speakers: ['organiser'],
  },
  {
    day: 2,
    start: '11:00',
    end: '11:45',
    title: 'Lead capture that never drops a form',
    room: 'Room A',
    speakers: ['speaker2'],
  },
  {
    day: 2,
    start: '11:00',
    end: '11:45',
    title: 'Live polls that people answer',
    room: 'Room B',
    speakers: ['speaker3'],
  },
  { day: 2, start: '12:30', end: '13:30', title: 'Lunch and networking', room: 'Foyer', speakers: [] },
  {
    day: 2,
    start: '13:30',
    end: '14:15',
    title: 'Testing with real databases',
    room: 'Room A',
    speakers: ['speaker', 'speaker2'],
  },
  {
    day: 2,
    start: '13:30',
    end: '14:15',
    title: 'Ask me anything: the organisers',
    room: 'Room B',
    speakers: ['organiser'],
  },
  {
    day: 2,
    start: '15:00',
    end: '15:45',
    title: 'Closing and awards',
    room: 'Main Hall',
    speakers: ['organiser'],
  },
];

/** The attendee's schedule: two sessions at 10:00 on purpose, so "My schedule" shows a conflict. */
export const attendeeBookmarks = [
  'Opening keynote: events that run themselves',
  'Real-time without tears',
  'Community building 101',
  'Offline-first mobile apps',
];

export const announcements = [
  'Welcome to MusterConf! Doors open at 8:30 — badges at the front desk, coffee in the foyer.',
  'Lunch is served in the foyer at 12:30. Vegetarian and vegan options are on the left.',
  'Room B is on the first floor, up the stairs or the lift behind the front desk.',
];

export const leadForm: { title: string; fields: FormField[] } = {
  title: 'Stay in touch with MusterConf',
  fields: [
    { key: 'name', type: 'text', label: 'Your name', required: true },
    { key: 'email', type: 'email', label: 'E-mail', required: true },
    { key: 'company', type: 'text', label: 'Company' },
    {
      key: 'topics',
      type: 'multipleChoice',
      label: 'What interests you?',
      options: ['Real-time', 'Community', 'Mobile'],
    },
    {
      key: 'consent',
      type: 'consent',
      label: 'You may contact me about next year’s MusterConf',
      required: true,
    },
  ],
};
