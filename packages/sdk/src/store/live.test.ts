import { type Change, entities, type Poll, type Question, scopes } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import { defaultTimers } from '../platform.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { openPollOf, questionsOf, resultsVisible } from './selectors.ts';
import { Store } from './store.ts';

const USER = '01900000-0000-7000-8000-0000000000aa';
const EVENT = '01900000-0000-7000-8000-0000000000e1';
const SESSION = '01900000-0000-7000-8000-0000000000f1';
const POLL = '01900000-0000-7000-8000-0000000000b1';

let seqs: Record<string, number> = {};
function change(
  scope: string,
  entity: string,
  id: string,
  data: unknown,
  op: Change['op'] = 'upsert',
): Change {
  seqs[scope] = (seqs[scope] ?? 0) + 1;
  return { scope, seq: seqs[scope]!, entity, op, id, data, at: '2031-01-01T00:00:00.000Z' };
}
const newStore = () =>
  new Store({ storage: new MemoryStorage(), timers: defaultTimers, ctx: { userId: USER } });

const poll = (extra: Partial<Poll> = {}): Poll => ({
  id: POLL,
  sessionId: SESSION,
  eventId: EVENT,
  question: 'Tabs or spaces?',
  kind: 'single',
  options: [
    { id: '01900000-0000-7000-8000-0000000000c1', label: 'Tabs' },
    { id: '01900000-0000-7000-8000-0000000000c2', label: 'Spaces' },
  ],
  scale: null,
  maxWords: null,
  resultsVisibility: 'afterVote',
  anonymous: false,
  status: 'open',
  openedAt: '2031-01-01T10:00:00.000Z',
  closedAt: null,
  createdAt: '2031-01-01T09:00:00.000Z',
  ...extra,
});

const question = (id: string, extra: Partial<Question> = {}): Question => ({
  id,
  sessionId: SESSION,
  eventId: EVENT,
  body: `question ${id}`,
  anonymous: false,
  asker: null,
  state: 'visible',
  pinned: false,
  upvotes: 0,
  createdAt: '2031-01-01T10:00:00.000Z',
  answeredAt: null,
  ...extra,
});

describe('live audience tables', () => {
  it('keeps poll results from going back in time, whichever order records and loads arrive in', () => {
    seqs = {};
    const store = newStore();
    const pollScope = scopes.poll(POLL);
    const results = (total: number, at: string) => ({ pollId: POLL, counts: { a: total }, total, at });
    store.applyInOrder([
      change(scopes.session(SESSION), entities.polls.pollChanged, POLL, poll()),
      change(pollScope, entities.polls.resultsChanged, POLL, results(5, '2031-01-01T10:00:02.000Z')),
      change(pollScope, entities.polls.resultsChanged, POLL, results(3, '2031-01-01T10:00:01.000Z')),
    ]);
    expect(store.getState().pollResults[POLL]?.total).toBe(5);
    expect(openPollOf(store.getState(), SESSION)?.id).toBe(POLL);
    expect(resultsVisible(store.getState(), poll())).toBe(false);
    store.applyInOrder([
      change(scopes.user(USER), entities.polls.ballotSaved, POLL, {
        pollId: POLL,
        sessionId: SESSION,
        optionIds: ['01900000-0000-7000-8000-0000000000c1'],
        rating: null,
        words: [],
        updatedAt: '2031-01-01T10:00:03.000Z',
      }),
    ]);
    expect(resultsVisible(store.getState(), poll())).toBe(true);
    store.dropScope(pollScope);
    expect(store.getState().pollResults[POLL]).toBeUndefined();
  });

  it('removes a question on delete, keeps my upvote across count pushes, and sorts pinned first, answered folded', () => {
    seqs = {};
    const store = newStore();
    const scope = scopes.session(SESSION);
    const [q1, q2, q3, q4] = ['1', '2', '3', '4'].map((n) => `01900000-0000-7000-8000-00000000010${n}`);
    store.applyInOrder([
      change(scope, entities.questions.questionChanged, q1!, question(q1!, { upvotes: 5 })),
      change(scope, entities.questions.questionChanged, q2!, question(q2!, { upvotes: 1, pinned: true })),
      change(scope, entities.questions.questionChanged, q3!, question(q3!, { upvotes: 9 })),
      change(
        scope,
        entities.questions.questionChanged,
        q4!,
        question(q4!, { state: 'answered', upvotes: 20 }),
      ),
      change(scopes.user(USER), entities.questions.upvoteChanged, q1!, {
        questionId: q1,
        sessionId: SESSION,
        upvoted: true,
      }),
      change(scope, entities.questions.questionChanged, q1!, question(q1!, { upvotes: 6 })),
    ]);
    const sections = questionsOf(store.getState(), SESSION, 'top');
    expect(sections.open.map((q) => q.id)).toEqual([q2, q3, q1]);
    expect(sections.answered.map((q) => q.id)).toEqual([q4]);
    expect(store.getState().questions[q1!]).toMatchObject({ upvotes: 6, upvotedByMe: true });
    // My own anonymous question: the audience view names nobody, but I keep knowing it is mine.
    const me = { id: USER, name: 'Me' };
    store.load((draft) => {
      draft.write('questions')[q2!] = { ...question(q2!, { anonymous: true, pinned: true }), asker: me };
    });
    store.applyInOrder([
      change(scope, entities.questions.questionChanged, q2!, question(q2!, { anonymous: true, upvotes: 2 })),
    ]);
    expect(store.getState().questions[q2!]).toMatchObject({ asker: me, upvotes: 2 });
    store.applyInOrder([
      change(scope, entities.questions.questionChanged, q3!, question(q3!, { state: 'hidden' }), 'delete'),
    ]);
    expect(store.getState().questions[q3!]).toBeUndefined();
  });

  it('drops resolved moderation items and lifted restrictions', () => {
    seqs = {};
    const store = newStore();
    const item = {
      id: '01900000-0000-7000-8000-000000000201',
      eventId: EVENT,
      targetType: 'question',
      targetId: '01900000-0000-7000-8000-000000000101',
      reason: 'premoderation',
      excerpt: 'hello',
      author: null,
      flags: [],
      reports: 0,
      status: 'open',
      createdAt: '2031-01-01T10:00:00.000Z',
      updatedAt: '2031-01-01T10:00:00.000Z',
    };
    store.applyInOrder([
      change(scopes.moderation(EVENT), entities.moderation.itemChanged, item.id, item),
      change(scopes.user(USER), entities.moderation.restrictionChanged, EVENT, {
        eventId: EVENT,
        kind: 'mute',
        until: null,
        reason: null,
      }),
    ]);
    expect(Object.keys(store.getState().moderationItems)).toEqual([item.id]);
    expect(store.getState().restrictions[EVENT]?.kind).toBe('mute');
    store.applyInOrder([
      change(
        scopes.moderation(EVENT),
        entities.moderation.itemChanged,
        item.id,
        { ...item, status: 'resolved' },
        'delete',
      ),
      change(scopes.user(USER), entities.moderation.restrictionChanged, EVENT, null, 'delete'),
    ]);
    expect(store.getState().moderationItems).toEqual({});
    expect(store.getState().restrictions).toEqual({});
  });
});
