// What a run measures, group by group: the repeats of a full run (`npm run bench`) and of a quick
// one (`--quick`, for working on the bench). Pure data, so the tests can check its shape.
import type { AtRestPlan } from './figures/at-rest.ts';
import type { MemoryPlan } from './figures/memory.ts';
import type { QidoPlan } from './figures/qido.ts';
import type { ReportsPlan } from './figures/reports.ts';
import type { ScalePlan } from './figures/scale.ts';
import type { SyncPlan } from './figures/sync.ts';
import type { ViewerPlan } from './figures/viewer.ts';
import type { WorklistPlan } from './figures/worklist.ts';

export const GROUPS = [
  'sync',
  'at-rest',
  'viewer',
  'memory',
  'worklist',
  'scale',
  'reports',
  'qido',
] as const;
export type Group = (typeof GROUPS)[number];

export interface Plan {
  sync: SyncPlan;
  'at-rest': AtRestPlan;
  viewer: ViewerPlan;
  memory: MemoryPlan;
  worklist: WorklistPlan;
  scale: ScalePlan;
  reports: ReportsPlan;
  qido: QidoPlan;
}

const QIDO_SHAPE = {
  patients: 1000,
  studiesPerPatient: 2,
  seriesPerStudy: 2,
  instancesPerSeries: 25,
};

export const FULL: Plan = {
  sync: { runs: 2, wholeWorklist: true, wholeWorklistRuns: 2, aloneRuns: 4 },
  'at-rest': { reloads: 3 },
  viewer: {
    reopen: 4,
    reload: 3,
    scrollSteps: 60,
    scrollPasses: 3,
    syncedPasses: 3,
    coldRuns: 3,
  },
  memory: { studies: 10, imagesPerStudy: 40 },
  worklist: { rows: 10_000, baselineRows: 100, runs: 5, keySteps: 10, budgetMs: 40_000 },
  scale: { mrRuns: 3, worklist: true, worklistRuns: 2, readBudgetMs: 25_000, peakRuns: 2 },
  reports: { signed: 4, queued: 100, drains: 3 },
  qido: { shape: QIDO_SHAPE, requests: 300, warmup: 30 },
};

/** For working on the bench itself: the same figures from fewer repeats. */
export const QUICK: Plan = {
  sync: { runs: 1, wholeWorklist: true, wholeWorklistRuns: 2 },
  'at-rest': { reloads: 2 },
  viewer: {
    reopen: 3,
    reload: 2,
    scrollSteps: 40,
    scrollPasses: 2,
    syncedPasses: 2,
    coldRuns: 2,
  },
  memory: { studies: 10, imagesPerStudy: 20 },
  worklist: { rows: 10_000, baselineRows: 100, runs: 3, keySteps: 10, budgetMs: 0 },
  scale: { mrRuns: 1, worklist: true, worklistRuns: 1, readBudgetMs: 25_000, peakRuns: 2 },
  reports: { signed: 2, queued: 100, drains: 2 },
  qido: { shape: QIDO_SHAPE, requests: 60, warmup: 10 },
};
