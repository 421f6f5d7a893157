import type { ChangeInput } from '../src/platform/changes/change-log.ts';

/**
 * The change log stores any record; tests that show it (arbitrary scopes, made-up entities) pass
 * theirs through here, past the catalogue's types. Production code never does.
 */
export const untypedChange = (change: {
  scope: string;
  entity: string;
  op: 'upsert' | 'delete';
  id: string;
  data: unknown;
}): ChangeInput => change as unknown as ChangeInput;
