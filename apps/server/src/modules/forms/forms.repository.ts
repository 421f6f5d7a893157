import type { FormField } from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { formStats, forms, formVersions } from './forms.tables.ts';

export type FormRow = typeof forms.$inferSelect;
export type FormStatsRow = { processed: number; failed: number };

/**
 * With `lock` the form row is held `FOR NO KEY UPDATE` until commit: intake batches and edits
 * serialise on it (a batch commits only against the version it validated), while inserts of
 * submissions and stats rows that reference it (key-share locks) never wait.
 */
export async function findForm(
  q: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<FormRow | undefined> {
  const query = q.select().from(forms).where(eq(forms.id, id));
  const [row] = options.lock ? await query.for('no key update') : await query;
  return row;
}

export async function insertForm(
  q: Queryable,
  values: typeof forms.$inferInsert,
  fields: FormField[],
): Promise<FormRow> {
  const [row] = await q.insert(forms).values(values).returning();
  await q.insert(formVersions).values({ formId: row!.id, version: row!.version, fields });
  await q.insert(formStats).values({ formId: row!.id });
  return row!;
}

export async function updateForm(
  q: Queryable,
  id: string,
  set: Partial<Pick<FormRow, 'title' | 'isOpen' | 'burstPerMinute' | 'version'>>,
): Promise<FormRow> {
  const [row] = await q
    .update(forms)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(forms.id, id))
    .returning();
  return row!;
}

export async function insertVersion(q: Queryable, formId: string, version: number, fields: FormField[]) {
  await q.insert(formVersions).values({ formId, version, fields });
}

export async function findFields(q: Queryable, formId: string, version: number): Promise<FormField[]> {
  const [row] = await q
    .select({ fields: formVersions.fields })
    .from(formVersions)
    .where(and(eq(formVersions.formId, formId), eq(formVersions.version, version)));
  if (!row) throw new Error(`form ${formId} has no version ${version}`);
  return row.fields;
}

/** Every version of a form, oldest first (exports have a column for every key ever asked). */
export async function allVersions(q: Queryable, formId: string): Promise<FormField[][]> {
  const rows = await q
    .select({ fields: formVersions.fields })
    .from(formVersions)
    .where(eq(formVersions.formId, formId))
    .orderBy(formVersions.version);
  return rows.map((r) => r.fields);
}

export async function findStats(q: Queryable, formId: string): Promise<FormStatsRow> {
  const [row] = await q
    .select({ processed: formStats.processed, failed: formStats.failed })
    .from(formStats)
    .where(eq(formStats.formId, formId));
  return row ?? { processed: 0, failed: 0 };
}

/** Adds to the form's received counter; the caller holds the form row lock. */
export async function addReceived(q: Queryable, formId: string, n: number): Promise<number> {
  const [row] = await q
    .update(forms)
    .set({ receivedCount: sql`${forms.receivedCount} + ${n}` })
    .where(eq(forms.id, formId))
    .returning({ received: forms.receivedCount });
  return row!.received;
}
