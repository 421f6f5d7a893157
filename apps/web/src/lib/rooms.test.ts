import type { Session } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import { matchRoom, roomsOf } from './rooms.ts';

const inRoom = (room: string | null) => ({ room }) as Session;

describe('roomsOf', () => {
  it('lists each room once in its first spelling, sorted, without empty ones', () => {
    expect(
      roomsOf([inRoom('Room B'), inRoom('Room A'), inRoom('room a '), inRoom(null), inRoom('  ')]),
    ).toEqual(['Room A', 'Room B']);
  });
});

describe('matchRoom', () => {
  const rooms = ['Main Hall', 'Room A'];

  it('takes the existing spelling when only case or spaces differ', () => {
    expect(matchRoom('room  a', rooms)).toBe('Room A');
    expect(matchRoom(' MAIN HALL ', rooms)).toBe('Main Hall');
  });

  it('keeps a new room as typed (tidied), and no room for blank', () => {
    expect(matchRoom('Room  C ', rooms)).toBe('Room C');
    expect(matchRoom('   ', rooms)).toBeNull();
  });
});
