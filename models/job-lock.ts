import { defineModel } from './define.js';

/** A lease on a scheduled job: with several instances on one MongoDB only the lease holder runs it. */
export interface JobLock {
  /** The job name. */
  _id: string;
  owner?: string;
  lockedUntil?: Date;
  lastRunAt?: Date;
  lastError?: string;
}

export const JobLockModel = defineModel<JobLock>('job_locks', {
  owner: { type: String, maxlength: 128 },
  lockedUntil: { type: Date },
  lastRunAt: { type: Date },
  lastError: { type: String, maxlength: 1000 },
});
