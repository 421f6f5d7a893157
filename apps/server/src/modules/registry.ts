import { defineReactor } from '../platform/changes/reactors.ts';
import type { Platform } from '../platform/context.ts';
import type { Jobs } from '../platform/jobs/jobs.ts';
import { mailJobs } from '../platform/mail/index.ts';
import type { Module } from '../platform/module.ts';
import { agendaJobs, agendaRoutes } from './agenda/index.ts';
import { badgesModule } from './badges/index.ts';
import { checkinModule } from './checkin/index.ts';
import { communitiesModule } from './communities/index.ts';
import { engagementModule } from './engagement/index.ts';
import { eventsModule } from './events/index.ts';
import { feedbackModule } from './feedback/index.ts';
import { formsModule } from './forms/index.ts';
import { identityRoutes } from './identity/index.ts';
import { leadsModule } from './leads/index.ts';
import { mediaModule } from './media/index.ts';
import { messagingModule } from './messaging/index.ts';
import { moderationModule } from './moderation/index.ts';
import { networkingModule } from './networking/index.ts';
import { notificationsModule } from './notifications/index.ts';
import { pollsModule } from './polls/index.ts';
import { questionsModule } from './questions/index.ts';
import { queuesModule } from './queues/index.ts';
import { referralsModule } from './referrals/index.ts';
import { syncRoutes } from './sync/index.ts';
import { ticketsModule } from './tickets/index.ts';

export type { Module };

/** Every domain module, in the order their routes are registered. */
export const modules: Module[] = [
  { name: 'identity', routes: identityRoutes },
  communitiesModule,
  eventsModule,
  { name: 'agenda', routes: agendaRoutes, jobs: agendaJobs },
  messagingModule,
  pollsModule,
  moderationModule,
  formsModule,
  leadsModule,
  referralsModule,
  mediaModule,
  questionsModule,
  feedbackModule,
  ticketsModule,
  checkinModule,
  badgesModule,
  notificationsModule,
  engagementModule,
  networkingModule,
  { name: 'sync', routes: syncRoutes },
  queuesModule,
  // Not a domain module: the platform's `mail.send` queue, registered here like every other queue.
  { name: 'mail', jobs: mailJobs },
];

/**
 * Defines every module's queues and change reactors on `jobs` (every node: an API-only node still
 * enqueues the reactions of what it writes). `platform` is read only when a job runs.
 */
export function defineModuleJobs(jobs: Jobs, platform: Platform): void {
  for (const module of modules) {
    for (const job of module.jobs?.(platform) ?? []) jobs.define(job);
    for (const reactor of module.reactors?.(platform) ?? []) defineReactor(jobs, reactor);
  }
}
