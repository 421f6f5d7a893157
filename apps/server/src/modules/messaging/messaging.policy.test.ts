import type { ChannelKind, CommunityRole, EventRole, EventStatus, Visibility } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import type { EventAccess, EventRow } from '../events/index.ts';
import { checkEmoji, checkMessageBody, parseMentions } from './messaging.input.ts';
import {
  canModerateChannel,
  canPostInChannel,
  canReadChannel,
  readableEventKinds,
} from './messaging.policy.ts';

const event = (status: EventStatus = 'published', visibility: Visibility = 'public') =>
  ({ id: 'e', communityId: 'c', status, visibility }) as EventRow;

const access = (
  eventRole: EventRole | null,
  communityRole: CommunityRole | null = null,
  row = event(),
): EventAccess => ({ event: row, userId: 'u', eventRole, communityRole });

const facts = (kind: ChannelKind, a: EventAccess | null, isMember = false) => ({ kind, event: a, isMember });

describe('messaging policy', () => {
  it('gives DMs and groups to their members only, whatever the event roles', () => {
    for (const kind of ['dm', 'group'] as const) {
      expect(canReadChannel(facts(kind, null, true))).toBe(true);
      expect(canPostInChannel(facts(kind, null, true))).toBe(true);
      expect(canReadChannel(facts(kind, access('organiser'), false))).toBe(false);
      expect(canModerateChannel(facts(kind, access('organiser'), true))).toBe(false);
    }
  });

  it('follows the event: nobody reads channels of an event they cannot see', () => {
    const draft = event('draft');
    expect(readableEventKinds(access('staff', null, draft))).toEqual([]);
    expect(readableEventKinds(access(null, 'owner', draft))).toEqual([
      'announcements',
      'topic',
      'session',
      'staff',
      'vendors',
    ]);
    expect(readableEventKinds(access(null, null, event('published', 'private')))).toEqual([]);
    expect(readableEventKinds(access(null, null))).toEqual(['announcements', 'topic', 'session']);
    expect(readableEventKinds(access('volunteer'))).toEqual(['announcements', 'topic', 'session', 'staff']);
    expect(readableEventKinds(access('sponsor'))).toEqual(['announcements', 'topic', 'session', 'vendors']);
    expect(canReadChannel(facts('topic', null))).toBe(false);
    expect(canReadChannel(facts('topic', { ...access(null), userId: null }))).toBe(false);
  });

  it('lets staff post announcements and moderate; nobody posts in an archived event', () => {
    expect(canPostInChannel(facts('announcements', access('attendee')))).toBe(false);
    expect(canPostInChannel(facts('announcements', access('staff')))).toBe(true);
    expect(canPostInChannel(facts('announcements', access(null, 'admin')))).toBe(true);
    expect(canModerateChannel(facts('topic', access('staff')))).toBe(true);
    expect(canModerateChannel(facts('topic', access('volunteer')))).toBe(false);
    expect(canPostInChannel(facts('topic', access('organiser', null, event('archived'))))).toBe(false);
    expect(canReadChannel(facts('topic', access('organiser', null, event('archived'))))).toBe(true);
  });
});

describe('messaging input', () => {
  it('trims bodies and counts code points', () => {
    expect(checkMessageBody('b', '  hi  ')).toBe('hi');
    expect(checkMessageBody('b', '🎉'.repeat(4000))).toHaveLength(8000);
    expect(() => checkMessageBody('b', '🎉'.repeat(4001))).toThrow(/at most 4000/);
    expect(() => checkMessageBody('b', 'a\u0000')).toThrow(/NUL/);
  });

  it('parses mention tokens to distinct lower-case user ids', () => {
    const id = '0189ABCD-0000-7000-8000-000000000001';
    expect(
      parseMentions(
        'b',
        `@[Ann](${id}) @[Ann again](${id.toLowerCase()}) @[bad](not-a-uuid-not-a-uuid-not-a-uuid-xx) @Ann`,
      ),
    ).toEqual([id.toLowerCase()]);
  });

  it('accepts emoji sequences and short codes only', () => {
    for (const ok of ['👍', '👍🏽', '👨‍👩‍👧', '🇺🇦', '❤️', '1️⃣', '+1', 'party_parrot'])
      expect(checkEmoji('e', ok)).toBe(ok.normalize('NFC'));
    for (const bad of ['', ' ', 'a b', 'A', '<b>', '👍 ', 'x'.repeat(33), '\u200b'])
      expect(() => checkEmoji('e', bad)).toThrow();
  });
});
