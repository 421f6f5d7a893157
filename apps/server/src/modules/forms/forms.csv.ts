import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { FormField } from '@muster/protocol';
import { stringify } from 'csv-stringify';
import { csvCell } from '../../platform/http/csv.ts';
import type { SubmissionRow } from './forms.presenter.ts';

const FIXED = ['submissionId', 'receivedAt', 'status', 'version', 'ref', 'leadId', 'error'] as const;

/** A column of an export: one of the submission's own, or the answer to a field key. */
export interface CsvColumn {
  header: string;
  own: boolean;
  key: string;
}

/**
 * Columns of an export: the submission's own, then every answer key the form ever asked, the
 * current version's first (in its order), then keys only older versions had. A key that is also
 * an own column's name (a field called `status`) is headed `answers.status`, never dropped.
 */
export function csvColumns(versionsOldestFirst: FormField[][]): CsvColumn[] {
  const keys: string[] = [];
  for (const fields of [...versionsOldestFirst].reverse())
    for (const { key } of fields) if (!keys.includes(key)) keys.push(key);
  const fixed: readonly string[] = FIXED;
  return [
    ...FIXED.map((key) => ({ header: key, own: true, key })),
    ...keys.map((key) => ({ header: fixed.includes(key) ? `answers.${key}` : key, own: false, key })),
  ];
}

function rowOf(row: SubmissionRow, columns: CsvColumn[]): string[] {
  const own: Record<string, unknown> = {
    submissionId: row.id,
    receivedAt: row.receivedAt.toISOString(),
    status: row.status,
    version: row.version,
    ref: row.ref,
    leadId: row.leadId,
    error: row.error,
  };
  return columns.map((c) =>
    csvCell(c.own ? own[c.key] : Object.hasOwn(row.answers, c.key) ? row.answers[c.key] : undefined),
  );
}

/**
 * Streams the export page by page (never the whole form in memory, never a transaction held
 * across the network), honouring the client's pace (backpressure).
 */
export function csvStream(columns: CsvColumn[], pages: AsyncIterable<SubmissionRow[]>): Readable {
  const out = stringify({ header: true, columns: columns.map((c) => c.header) });
  (async () => {
    for await (const page of pages) {
      for (const row of page) if (!out.write(rowOf(row, columns))) await drained(out);
      if (out.destroyed) return; // the client went away: stop reading pages
    }
    out.end();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/** Waits until the stream wants more, or until it is closed (then the caller stops at its next page). */
async function drained(stream: Readable): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: stop.signal }),
      once(stream, 'close', { signal: stop.signal }),
    ]);
  } finally {
    stop.abort();
  }
}
