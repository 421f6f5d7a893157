import type { Platform } from '../../platform/context.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { type ProcessSubmission, processSubmissions } from './forms.process.ts';

export type { ProcessSubmission };

/** Processes accepted submissions; the queue's visibility timeout and receives are the deployment's defaults. */
export const PROCESS_SUBMISSION = 'forms.processSubmission';

/** Definitions only; `platform` is used when a job runs, never while defining. */
export function formJobs(platform: Platform): JobDefinition<ProcessSubmission>[] {
  return [
    {
      name: PROCESS_SUBMISSION,
      // One lease, one transaction for up to 100 submissions: a burst drains in few transactions.
      batchSize: 100,
      handleBatch: (jobs) => processSubmissions(platform, jobs),
    },
  ];
}
