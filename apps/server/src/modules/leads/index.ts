import type { Platform } from '../../platform/context.ts';
import type { App } from '../../platform/http/server.ts';
import type { Module } from '../../platform/module.ts';
import { consentJobs } from './leads.consent.ts';
import { followUpRoutes } from './leads.followups.routes.ts';
import { followUpJobs } from './leads.followups.ts';
import { leadRoutes } from './leads.routes.ts';

export { followUpEnrolments, followUpSequences } from './leads.followups.tables.ts';
export { type LeadInput, recordLead, recordLeads } from './leads.pipeline.ts';
export { leadNotes, leadSources, leads } from './leads.tables.ts';

function routes(app: App, platform: Platform) {
  leadRoutes(app, platform);
  followUpRoutes(app, platform);
}

export const leadsModule: Module = {
  name: 'leads',
  routes,
  jobs: (platform) => [...followUpJobs(platform), ...consentJobs(platform)],
};
