import type { Priority, StudySummary } from '../domain/case.ts';
import { sortInstancesForDisplay } from '../dicomweb/instance-order.ts';
import type { RemoteInstance } from './ports.ts';

/**
 * The sync engine's ordering, as pure functions over plain data (ARCHITECTURE.md, Priorities):
 *
 * 1. the focused case (the one the radiologist opened) before everything, its priors right behind;
 * 2. then, for the other cases, metadata (case detail, study listings) before any instance, so
 *    every case's context, priors' reports and totals are known early — they are small;
 * 3. cases by priority (STAT, urgent, routine), then due time, then case id (stable);
 * 4. within a case: the first, middle and last image of every series of its study, then of its
 *    priors (in the backend's order), then the rest of its study, then the rest of each prior,
 *    each series in display order — so a study and its priors are readable (side by side)
 *    before they are complete.
 *
 * Every job gets a sort key; smaller keys run first. An instance needed by several cases (a
 * shared prior) takes the smallest of its keys.
 */

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { stat: 0, urgent: 1, routine: 2 };

export type SortKey = readonly (number | string)[];

export interface CaseOrderInfo {
  caseId: string;
  priority: Priority;
  dueAt: string;
}

/** Where a job sits inside its case. `studyIndex` 0 is the case's study, 1.. its priors. */
export type JobPosition =
  | { kind: 'detail' }
  | { kind: 'listing'; studyIndex: number }
  | { kind: 'instance'; studyIndex: number; tier: number; seriesIndex: number; index: number };

function dueTime(dueAt: string): number {
  const t = Date.parse(dueAt);
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
}

export function jobKey(c: CaseOrderInfo, focusId: string | null, pos: JobPosition): SortKey {
  const focused = c.caseId === focusId;
  const jobClass = !focused && pos.kind === 'instance' ? 1 : 0;
  // Within a case: its metadata, then the key images (tier 0) of its study and of its priors,
  // then the rest of its study, then the rest of each prior — so a hanging protocol that shows
  // the study beside its prior has the first image of both before either is complete.
  const within =
    pos.kind === 'detail'
      ? [-1, 0, 0, 0]
      : pos.kind === 'listing'
        ? [0, pos.studyIndex, 0, 0]
        : [1 + pos.tier, pos.studyIndex, pos.seriesIndex, pos.index];
  return [
    focused ? 0 : 1,
    jobClass,
    PRIORITY_RANK[c.priority],
    dueTime(c.dueAt),
    c.caseId,
    ...within,
  ];
}

export function compareKeys(a: SortKey, b: SortKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** Series of a study in reading order: by series number, unnumbered last, else as listed. */
export function seriesOrderOf(study: Pick<StudySummary, 'series'>): string[] {
  return study.series
    .map((s, i) => ({ uid: s.seriesInstanceUid, n: s.seriesNumber, i }))
    .sort((a, b) => {
      if (a.n !== null && b.n !== null && a.n !== b.n) return a.n - b.n;
      if (a.n === null && b.n !== null) return 1;
      if (a.n !== null && b.n === null) return -1;
      return a.i - b.i;
    })
    .map((s) => s.uid);
}

export interface InstancePlace<T> {
  instance: T;
  /** 0: first, middle or last image of its series; 1: the rest */
  tier: number;
  seriesIndex: number;
  /** order inside the tier of its series */
  index: number;
}

/**
 * The fetch order of a study's instances: per series in display order, the first, middle and
 * last image first (tier 0), then the others (tier 1). Series the study's metadata did not name
 * come after the named ones, in the order they were listed.
 */
export function studyFetchOrder<T extends RemoteInstance>(
  instances: readonly T[],
  seriesOrder: readonly string[],
): InstancePlace<T>[] {
  const bySeries = new Map<string, T[]>();
  for (const inst of instances) {
    let list = bySeries.get(inst.seriesInstanceUid);
    if (!list) {
      list = [];
      bySeries.set(inst.seriesInstanceUid, list);
    }
    list.push(inst);
  }
  const seriesUids = [
    ...seriesOrder.filter((uid) => bySeries.has(uid)),
    ...[...bySeries.keys()].filter((uid) => !seriesOrder.includes(uid)),
  ];
  const places: InstancePlace<T>[] = [];
  seriesUids.forEach((uid, seriesIndex) => {
    const sorted = sortInstancesForDisplay(bySeries.get(uid) ?? []);
    const n = sorted.length;
    const key = [...new Set([0, Math.floor((n - 1) / 2), n - 1])].filter((i) => i >= 0 && i < n);
    key.forEach((pos, index) =>
      places.push({ instance: sorted[pos]!, tier: 0, seriesIndex, index }),
    );
    let rest = 0;
    sorted.forEach((instance, pos) => {
      if (!key.includes(pos)) places.push({ instance, tier: 1, seriesIndex, index: rest++ });
    });
  });
  return places;
}

/** A case as the pure planner sees it: its study first, then its priors. */
export interface CasePlanInput extends CaseOrderInfo {
  studies: ReadonlyArray<{ seriesOrder: readonly string[]; instances: readonly RemoteInstance[] }>;
}

/**
 * The order in which the engine fetches the instances of fully listed cases, one at a time
 * (each instance once, at its best position). The engine orders its queue with the same keys.
 */
export function orderInstances(
  cases: readonly CasePlanInput[],
  focusId: string | null,
): Array<{ sopInstanceUid: string; caseId: string; key: SortKey }> {
  const best = new Map<string, { sopInstanceUid: string; caseId: string; key: SortKey }>();
  for (const c of cases) {
    c.studies.forEach((study, studyIndex) => {
      for (const place of studyFetchOrder(study.instances, study.seriesOrder)) {
        const key = jobKey(c, focusId, { kind: 'instance', studyIndex, ...place });
        const uid = place.instance.sopInstanceUid;
        const prev = best.get(uid);
        if (!prev || compareKeys(key, prev.key) < 0) {
          best.set(uid, { sopInstanceUid: uid, caseId: c.caseId, key });
        }
      }
    });
  }
  return [...best.values()].sort((a, b) => compareKeys(a.key, b.key));
}
