import type { FormField } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { perNode } from '../../platform/node-state.ts';
import { ownerAccessOf } from './forms.access.ts';
import { canSeeForm } from './forms.policy.ts';
import { type FormRow, findFields, findForm } from './forms.repository.ts';

/** What the submission path needs before it queues a submission into its form's batch. */
export interface IntakeForm {
  row: FormRow;
  fields: FormField[];
  /** Visible to anyone (published, non-private event; or a community): no per-caller check. */
  public: boolean;
}

interface Entry {
  at: number;
  form: Promise<IntakeForm | null>;
}

/**
 * A thousand submissions to one form in the same second must not read the form a thousand
 * times. Each node keeps a form's definition for a second (one read, shared by concurrent
 * misses). A stale entry is harmless: the intake batch locks the form row and re-checks the open
 * flag and the version before it commits; only the burst allowance may lag by up to a second.
 */
const TTL_MS = 1000;
const MAX_ENTRIES = 10_000;
const cacheOf = perNode(() => new Map<string, Entry>());

export function intakeForm(platform: Platform, formId: string): Promise<IntakeForm | null> {
  const cache = cacheOf(platform);
  const now = Date.now();
  const hit = cache.get(formId);
  if (hit && now - hit.at < TTL_MS) return hit.form;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const form = load(platform, formId);
  cache.set(formId, { at: now, form });
  // A failed read is not remembered: the next request tries again.
  form.catch(() => cache.delete(formId));
  return form;
}

/** Drops this node's entry after an edit, so the editor's next submission sees the edit. */
export function forgetForm(platform: Platform, formId: string): void {
  cacheOf(platform).delete(formId);
}

async function load(platform: Platform, formId: string): Promise<IntakeForm | null> {
  const row = await findForm(platform.db, formId);
  if (!row) return null;
  const fields = await findFields(platform.db, row.id, row.version);
  const anonymous = await ownerAccessOf(platform.db, row, null);
  return { row, fields, public: canSeeForm(anonymous) };
}
