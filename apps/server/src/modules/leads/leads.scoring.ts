import type { ScoreItem } from '@muster/protocol';

/** What the score counts about one lead; every signal is a count, read in one query per page. */
export interface LeadSignals {
  formSubmissions: number;
  metByRep: number;
  rsvpsGoing: number;
  rsvpsInterested: number;
  bookmarks: number;
  referrals: number;
}

export const NO_SIGNALS: LeadSignals = {
  formSubmissions: 0,
  metByRep: 0,
  rsvpsGoing: 0,
  rsvpsInterested: 0,
  bookmarks: 0,
  referrals: 0,
};

interface Rule {
  signal: keyof LeadSignals;
  label: string;
  pointsEach: number;
  /** Most points the signal may give, so one repeated action cannot make a lead "hot" alone. */
  cap: number;
}

/**
 * The scoring rules, in the order the explanation lists them. Engagement that costs the person
 * something (coming to an event, bringing others) weighs more than a click.
 */
export const SCORE_RULES: readonly Rule[] = [
  { signal: 'formSubmissions', label: 'Forms submitted', pointsEach: 10, cap: 30 },
  { signal: 'metByRep', label: 'Met by a rep', pointsEach: 15, cap: 30 },
  { signal: 'rsvpsGoing', label: 'Events registered for', pointsEach: 15, cap: 45 },
  { signal: 'rsvpsInterested', label: 'Events marked interested', pointsEach: 5, cap: 15 },
  { signal: 'bookmarks', label: 'Sessions bookmarked', pointsEach: 3, cap: 30 },
  { signal: 'referrals', label: 'People referred', pointsEach: 20, cap: 60 },
];

/** A lead at or above this score is on the "hot leads" list. */
export const HOT_LEAD_SCORE = 50;

/** The score and its explanation: one item per rule that counted something. */
export function scoreOf(signals: LeadSignals): { score: number; breakdown: ScoreItem[] } {
  const breakdown = SCORE_RULES.filter((rule) => signals[rule.signal] > 0).map((rule) => {
    const count = signals[rule.signal];
    return {
      signal: rule.signal,
      label: rule.label,
      count,
      pointsEach: rule.pointsEach,
      points: Math.min(rule.cap, count * rule.pointsEach),
    };
  });
  return { score: breakdown.reduce((sum, item) => sum + item.points, 0), breakdown };
}
