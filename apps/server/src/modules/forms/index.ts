import type { Module } from '../../platform/module.ts';
import { formJobs } from './forms.jobs.ts';
import { formRoutes } from './forms.routes.ts';

/**
 * Forms and the burst-proof submission path. The lead pipeline plugs into `leadStep`
 * (`forms.pipeline.ts`); it receives each submission with its form and answered version inside
 * the processing transaction.
 */
export { PROCESS_SUBMISSION, type ProcessSubmission } from './forms.jobs.ts';
export type { PipelineItem, PipelineResult } from './forms.pipeline.ts';
export { formStats, formSubmissions, forms, formVersions } from './forms.tables.ts';

export const formsModule: Module = { name: 'forms', routes: formRoutes, jobs: formJobs };
