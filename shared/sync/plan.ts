import type { WorklistItem } from '../api/contract.ts';
import type { RemoteInstance } from './ports.ts';
import type { CaseProgress, CaseSyncError, VerifiedInstance } from './records.ts';
import type { SortKey } from './schedule.ts';

/**
 * The sync engine's working state: a plan per case, shared study plans (a prior may serve
 * several cases), and jobs — fetch a case's detail, list a study, fetch one instance. The
 * engine (`engine.ts`) moves jobs through their states; `caseProgress` derives what the
 * worklist shows from them.
 *
 * Job states: pending → running → done | failed, with `verified` between running and done for
 * an instance waiting in its store batch, and `dropped` when its case left the worklist.
 */

/** Errors a case may list before the rest is summarised in one more entry. */
const MAX_LISTED_ERRORS = 50;

export type JobState = 'pending' | 'running' | 'verified' | 'done' | 'failed' | 'dropped';

export interface JobBase {
  state: JobState;
  key: SortKey;
  notBefore: number;
  attempts: number;
  controller: AbortController | undefined;
  /** what an abort by the engine means for this job */
  cancel: 'requeue' | 'drop' | undefined;
  /** the network-failure epoch the job started in: one outage counts once */
  epoch: number;
  error: CaseSyncError | undefined;
}

export interface DetailJob extends JobBase {
  kind: 'detail';
  caseId: string;
}

export interface ListingJob extends JobBase {
  kind: 'listing';
  study: StudyPlan;
}

export interface InstanceJob extends JobBase {
  kind: 'instance';
  study: StudyPlan;
  remote: RemoteInstance;
  tier: number;
  seriesIndex: number;
  index: number;
  /** bytes once stored */
  size: number;
  /**
   * fetched on its own, never in a batched request: a batch did not bring it (not found there,
   * the request refused) or brought it damaged
   */
  alone?: boolean;
  verified: VerifiedInstance | undefined;
}

export type Job = DetailJob | ListingJob | InstanceJob;

export interface StudyPlan {
  uid: string;
  owners: Set<string>;
  seriesOrder: string[];
  seriesLabels: Map<string, string>;
  /** instance count the case metadata announced, until the study is listed */
  expected: number;
  label: string;
  listing: ListingJob;
  instances: Map<string, InstanceJob> | undefined;
}

export interface CasePlan {
  caseId: string;
  item: WorklistItem;
  detail: DetailJob;
  /** the case's study first, then its priors; known once the detail arrived */
  studies: string[];
}

const NONE_LANDING: ReadonlySet<Job> = new Set();

/** A study plan with its listing job (the two refer to each other). */
export function newStudyPlan(fields: Omit<StudyPlan, 'listing'>): StudyPlan {
  const study = fields as StudyPlan;
  study.listing = { ...newJobBase(), kind: 'listing', study };
  return study;
}

export function newJobBase(): JobBase {
  return {
    state: 'pending',
    key: [],
    notBefore: 0,
    attempts: 0,
    controller: undefined,
    cancel: undefined,
    epoch: 0,
    error: undefined,
  };
}

/**
 * What the worklist shows of a case: its state, counts, bytes and errors (its priors included).
 * `landing`: verified instances being written right now, counted as done — the progress that goes
 * into the store in the same transaction as they do, so it never says more than the store holds.
 */
export function caseProgress(
  plan: CasePlan,
  studies: ReadonlyMap<string, StudyPlan>,
  landing: ReadonlySet<Job> = NONE_LANDING,
): CaseProgress {
  let done = 0;
  let total = 0;
  let bytes = 0;
  let busy = plan.detail.state === 'running';
  let remaining = plan.detail.state === 'pending' || plan.detail.state === 'running';
  const errors: CaseSyncError[] = [];
  if (plan.detail.error) errors.push(plan.detail.error);
  if (plan.detail.state !== 'done') total = plan.item.numberOfInstances;
  for (const uid of plan.studies) {
    const study = studies.get(uid);
    if (!study) continue;
    if (study.listing.error) errors.push(study.listing.error);
    if (!study.instances) {
      total += study.expected;
      if (study.listing.state === 'running') busy = true;
      if (study.listing.state === 'pending' || study.listing.state === 'running') remaining = true;
      continue;
    }
    for (const job of study.instances.values()) {
      total++;
      if (job.state === 'done') {
        done++;
        bytes += job.size;
      } else if (job.state === 'verified' && landing.has(job)) {
        done++;
        bytes += job.verified?.size ?? 0;
      } else if (job.state === 'failed') {
        if (job.error) errors.push(job.error);
      } else {
        remaining = true;
        if (job.state === 'running' || job.state === 'verified') busy = true;
      }
    }
  }
  const listed =
    errors.length > MAX_LISTED_ERRORS
      ? [
          ...errors.slice(0, MAX_LISTED_ERRORS),
          {
            subject: 'case',
            code: 'more',
            message: `${errors.length - MAX_LISTED_ERRORS} more images of this case could not be brought onto this workstation.`,
            at: errors[MAX_LISTED_ERRORS]!.at,
          },
        ]
      : errors;
  const state = remaining ? (busy ? 'syncing' : 'queued') : errors.length ? 'error' : 'ready';
  return {
    caseId: plan.caseId,
    state,
    instancesDone: done,
    instancesTotal: total,
    bytesDone: bytes,
    errors: listed,
  };
}
