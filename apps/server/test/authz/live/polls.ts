import type { Poll } from '@muster/protocol';
import { call } from '../../factories/events.ts';
import { presenters, viewers } from './actors.ts';
import type { LiveRouteSet } from './types.ts';

interface PollFixture {
  sessionId: string;
  /** Opened by the first presenter through the `open` row, closed by the `close` row. */
  draft: Poll;
  /** Open, results `live`: every viewer follows its results. */
  live: Poll;
  /** Open, anonymous, results `afterClose`: only presenters follow its results until it closes. */
  sealed: Poll;
  /** Open word cloud, for hiding words. */
  cloud: Poll;
}

const create = (kind: string, extra: object = {}) => ({
  question: `A ${kind} poll`,
  kind,
  resultsVisibility: 'live',
  ...(kind === 'single' ? { options: ['Yes', 'No'] } : {}),
  ...extra,
});

/** Polls: presenters (the session's speakers and event staff) run them; viewers read and vote. */
const polls: LiveRouteSet<PollFixture> = {
  module: 'polls',
  async setup(server, world, session) {
    const owner = world.actors['community:owner']!;
    const make = async (body: object, open: boolean) => {
      const poll = await call<Poll>(server, 'POST', `/api/v1/sessions/${session.id}/polls`, owner, body);
      return open ? call<Poll>(server, 'POST', `/api/v1/polls/${poll.id}/open`, owner) : poll;
    };
    return {
      sessionId: session.id,
      draft: await make(create('single'), false),
      live: await make(create('single'), true),
      sealed: await make(create('single', { resultsVisibility: 'afterClose' }), true),
      cloud: await make(create('wordcloud'), true),
    };
  },
  routes: [
    {
      name: 'create poll',
      method: 'POST',
      url: (f) => `/api/v1/sessions/${f.sessionId}/polls`,
      body: () => create('single'),
      allowed: presenters,
    },
    {
      name: 'list polls',
      method: 'GET',
      url: (f) => `/api/v1/sessions/${f.sessionId}/polls`,
      allowed: viewers,
    },
    { name: 'read open poll', method: 'GET', url: (f) => `/api/v1/polls/${f.live.id}`, allowed: viewers },
    {
      name: 'read draft poll',
      method: 'GET',
      url: (f) => `/api/v1/polls/${f.draft.id}`,
      allowed: presenters,
    },
    {
      name: 'vote',
      method: 'PUT',
      url: (f) => `/api/v1/polls/${f.live.id}/vote`,
      body: (f) => ({ optionIds: [f.live.options[0]!.id] }),
      allowed: viewers,
    },
    {
      name: 'hide word',
      method: 'PUT',
      url: (f) => `/api/v1/polls/${f.cloud.id}/words`,
      body: () => ({ word: 'spam', hidden: true }),
      allowed: presenters,
    },
    {
      name: 'open poll',
      method: 'POST',
      url: (f) => `/api/v1/polls/${f.draft.id}/open`,
      allowed: presenters,
    },
    {
      name: 'close poll',
      method: 'POST',
      url: (f) => `/api/v1/polls/${f.draft.id}/close`,
      allowed: presenters,
    },
  ],
  scopes: [
    { name: 'session', scope: (f) => `session:${f.sessionId}`, allowed: viewers },
    { name: 'poll (live results)', scope: (f) => `poll:${f.live.id}`, allowed: viewers },
    { name: 'poll (results after close)', scope: (f) => `poll:${f.sealed.id}`, allowed: presenters },
  ],
};

// The matrix runs every module's rows with its own fixture type, hence the widening.
export const pollRows = [polls] as unknown as LiveRouteSet<unknown>[];
