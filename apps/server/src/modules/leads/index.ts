import { type Module, routesOf } from '../../platform/module.ts';
import { consentJobs } from './leads.consent.ts';
import { followUpRoutes } from './leads.followups.routes.ts';
import { followUpJobs } from './leads.followups.ts';
import { leadRoutes } from './leads.routes.ts';

export { followUpEnrolments, followUpSequences } from './leads.followups.tables.ts';
export { type LeadInput, recordLead, recordLeads } from './leads.pipeline.ts';
export { leadNotes, leadSources, leads } from './leads.tables.ts';

export const leadsModule: Module = {
  name: 'leads',
  routes: routesOf(leadRoutes, followUpRoutes),
  jobs: (platform) => [...followUpJobs(platform), ...consentJobs(platform)],
};
