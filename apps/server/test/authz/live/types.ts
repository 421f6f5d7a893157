import type { TestServer } from '../../harness.ts';
import type { ActorName, World } from '../actors.ts';

/**
 * The live-audience matrix (issue 13) adds two callers the event matrix has no name for: the
 * speaker of the session under test and the speaker of another session of the same event.
 */
export type LiveActor = ActorName | 'speaker:this' | 'speaker:another';

export interface LiveWorld extends World {
  /** Two sessions of the own event, each with its own speaker (both hold the event role `speaker`). */
  sessions: { id: string; speakerId: string }[];
}

export interface LiveRoute<F> {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: (f: F) => string;
  body?: (f: F) => object;
  allowed: ReadonlySet<LiveActor>;
}

/** A scope to follow over sync and `subscribe`, and who may. */
export interface LiveScope<F> {
  name: string;
  scope: (f: F) => string;
  allowed: ReadonlySet<LiveActor>;
}

/**
 * One module's rows. `setup` runs once per session under test, as the event's owner, and builds
 * what the rows act on (a poll, a question…). Rows run in order, so destructive ones go last.
 */
export interface LiveRouteSet<F> {
  module: string;
  setup(server: TestServer, world: LiveWorld, session: { id: string; speakerId: string }): Promise<F>;
  routes: LiveRoute<F>[];
  scopes: LiveScope<F>[];
}
