import type { Poll, PollResults, WordCount } from '@muster/protocol';
import { percent } from './live-hooks.ts';

/** One row per option (or rating) with its count, for bars and their text alternative. */
export function resultRows(poll: Poll, results: PollResults): { key: string; label: string; n: number }[] {
  if (poll.kind === 'rating')
    return Array.from({ length: poll.scale ?? 5 }, (_, i) => String(i + 1)).map((key) => ({
      key,
      label: `${key} ★`,
      n: results.counts[key] ?? 0,
    }));
  return poll.options.map((o) => ({ key: o.id, label: o.label, n: results.counts[o.id] ?? 0 }));
}

/** A sentence a screen reader announces when results change ("Tabs 42 %, 120 votes; …"). */
export function resultsSummary(poll: Poll, results: PollResults): string {
  const votes = `${results.total} ${results.total === 1 ? 'vote' : 'votes'}`;
  if (poll.kind === 'wordcloud') {
    const top = (results.words ?? []).slice(0, 5).map((w) => `${w.word} ${w.n}`);
    return `${votes}. ${top.length ? `Top words: ${top.join(', ')}` : 'No words yet'}.`;
  }
  const rows = resultRows(poll, results).map(
    (r) => `${r.label} ${percent(r.n, results.total)} %, ${r.n} ${r.n === 1 ? 'vote' : 'votes'}`,
  );
  const average =
    poll.kind === 'rating' && results.average != null ? ` Average ${results.average.toFixed(1)}.` : '';
  return `${votes}.${average} ${rows.join('; ')}.`;
}

/**
 * Results as bars moving live, with a visually hidden table as their text alternative and a polite
 * live region that reads the summary (throttled by the server to one push per 250 ms; screen
 * readers coalesce polite updates).
 */
export function PollResultsView({
  poll,
  results,
  large = false,
}: {
  poll: Poll;
  results: PollResults;
  large?: boolean;
}) {
  const summary = resultsSummary(poll, results);
  if (poll.kind === 'wordcloud')
    return (
      <div className={large ? 'poll-results large' : 'poll-results'} data-testid="poll-results">
        <WordCloud words={results.words ?? []} large={large} />
        <p className="visually-hidden" aria-live="polite">
          {summary}
        </p>
        <p className="muted">
          {results.total} {results.total === 1 ? 'person' : 'people'} answered
        </p>
      </div>
    );
  const rows = resultRows(poll, results);
  return (
    <div className={large ? 'poll-results large' : 'poll-results'} data-testid="poll-results">
      <ul className="bars" aria-hidden="true">
        {rows.map((row) => (
          <li key={row.key} data-testid={`bar-${row.label}`}>
            <span className="bar-label">{row.label}</span>
            <span className="bar-track">
              <span className="bar-fill" style={{ width: `${percent(row.n, results.total)}%` }} />
            </span>
            <span className="bar-count">
              {percent(row.n, results.total)} % · <span data-testid="count">{row.n}</span>
            </span>
          </li>
        ))}
      </ul>
      <table className="visually-hidden">
        <caption>Results of “{poll.question}”</caption>
        <thead>
          <tr>
            <th scope="col">Answer</th>
            <th scope="col">Votes</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              <td>{row.n}</td>
              <td>{percent(row.n, results.total)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" data-testid="poll-total">
        {results.total} {results.total === 1 ? 'vote' : 'votes'}
        {poll.kind === 'rating' && results.average != null ? ` · average ${results.average.toFixed(1)}` : ''}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {summary}
      </p>
    </div>
  );
}

/** Words sized by how often they were given (hidden words never reach here: the server leaves them out). */
export function WordCloud({
  words,
  large,
  onHide,
}: {
  words: readonly WordCount[];
  large?: boolean;
  onHide?: (word: string) => void;
}) {
  if (!words.length) return <p className="muted">No words yet.</p>;
  const max = Math.max(...words.map((w) => w.n));
  const min = large ? 1.2 : 0.9;
  const span = large ? 3.3 : 1.6;
  return (
    <ul className="word-cloud" data-testid="word-cloud">
      {words.map((w) => (
        <li key={w.word} style={{ fontSize: `${min + (span * w.n) / max}rem` }} data-word={w.word}>
          {w.word}
          <span className="visually-hidden"> ({w.n})</span>
          {onHide ? (
            <button type="button" className="link-button hide-word" onClick={() => onHide(w.word)}>
              <span aria-hidden="true">×</span>
              <span className="visually-hidden">Hide “{w.word}”</span>
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
