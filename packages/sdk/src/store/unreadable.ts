import type { Change } from '@muster/protocol';
import type { Emitter } from '../emitter.ts';
import type { UnreadableReason } from './apply.ts';

export interface UnreadableEvents {
  /**
   * A change record the SDK could not read (an entity of a newer server, say) was skipped; its
   * scope's cursor advanced anyway. `count` is how many records of that entity were skipped so far.
   */
  unreadableChange: { entity: string; scope: string; seq: number; reason: UnreadableReason; count: number };
}

/**
 * Keeps a record the SDK cannot read from vanishing silently: counted per entity name (see
 * `MusterClient.stats`), logged once per name, and emitted for the app to observe. A rename on the
 * server that the SDK missed then shows up in the console and in the app's telemetry.
 */
export class UnreadableChanges {
  private readonly counts = new Map<string, number>();
  private readonly events: Emitter<UnreadableEvents>;

  constructor(events: Emitter<UnreadableEvents>) {
    this.events = events;
  }

  report(change: Change, reason: UnreadableReason): void {
    const count = (this.counts.get(change.entity) ?? 0) + 1;
    this.counts.set(change.entity, count);
    if (count === 1)
      console.warn(
        `muster: skipped a change record of entity '${change.entity}' (${reason}); counted in stats`,
      );
    this.events.emit('unreadableChange', {
      entity: change.entity,
      scope: change.scope,
      seq: change.seq,
      reason,
      count,
    });
  }

  /** Records skipped so far, by entity name. */
  byEntity(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
