import { buildChannel, sendMessage } from '../../factories/messaging.ts';
import { registerUser } from '../../factories.ts';
import { managers, staff, viewers } from './actors.ts';
import type { LiveRouteSet } from './types.ts';

interface ModerationFixture {
  eventId: string;
  messageId: string;
  /** Someone with no role, to mute (never an actor of the matrix: a mute would change their rows). */
  subjectId: string;
}

const settings = {
  filters: { profanity: true, links: true, flood: true },
  blockedWords: [],
  qnaPremoderation: false,
};

/** Settings, reports, the queue, actions (single and bulk), the audit log and the `moderation:` scope. */
const moderationSet: LiveRouteSet<ModerationFixture> = {
  module: 'moderation',
  async setup(server, world) {
    const owner = world.actors['community:owner']!;
    const eventId = world.own.eventId;
    const channel = await buildChannel(server, owner, eventId, { kind: 'topic', name: 'Moderated' });
    const message = await sendMessage(server, owner, channel.id, `Reported text ${Math.random()}`);
    const subject = await registerUser(server, { name: 'Moderation subject' });
    return { eventId, messageId: message.id, subjectId: subject.id };
  },
  routes: [
    {
      name: 'GET settings',
      method: 'GET',
      url: (f) => `/api/v1/events/${f.eventId}/moderation/settings`,
      allowed: staff,
    },
    {
      name: 'PUT settings',
      method: 'PUT',
      url: (f) => `/api/v1/events/${f.eventId}/moderation/settings`,
      body: () => settings,
      allowed: managers,
    },
    {
      // The owner wrote the message: their report is a 400 (your own), which is not a denial.
      name: 'POST report',
      method: 'POST',
      url: () => '/api/v1/reports',
      body: (f) => ({ targetType: 'message', targetId: f.messageId, reason: 'matrix' }),
      allowed: viewers,
    },
    {
      name: 'GET queue',
      method: 'GET',
      url: (f) => `/api/v1/events/${f.eventId}/moderation/queue`,
      allowed: staff,
    },
    {
      name: 'POST action (mute a user)',
      method: 'POST',
      url: () => '/api/v1/moderation/actions',
      body: (f) => ({ targetType: 'user', targetId: f.subjectId, eventId: f.eventId, action: 'mute' }),
      allowed: staff,
    },
    {
      name: 'POST bulk actions',
      method: 'POST',
      url: () => '/api/v1/moderation/actions/bulk',
      body: (f) => ({ actions: [{ targetType: 'message', targetId: f.messageId, action: 'dismiss' }] }),
      allowed: staff,
    },
    {
      name: 'GET audit',
      method: 'GET',
      url: (f) => `/api/v1/events/${f.eventId}/moderation/audit`,
      allowed: staff,
    },
    {
      name: 'POST action (hide the message)',
      method: 'POST',
      url: () => '/api/v1/moderation/actions',
      body: (f) => ({ targetType: 'message', targetId: f.messageId, action: 'hide' }),
      allowed: staff,
    },
  ],
  scopes: [{ name: 'moderation:<eventId>', scope: (f) => `moderation:${f.eventId}`, allowed: staff }],
};

export const moderationRows = [moderationSet] as LiveRouteSet<unknown>[];
