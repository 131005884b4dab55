import { useLiveQuery } from 'dexie-react-hooks';
import type { CaseDetail } from '../../shared/api/contract.ts';
import type { TandemDb } from '../../shared/cache/db.ts';
import type { StudyRow } from '../../shared/cache/rows.ts';
import type { PriorStudy, StudySummary } from '../../shared/domain/case.ts';
import { cacheDb } from '../app/local-cache.ts';
import { markOpening } from './open-marks.ts';

/**
 * A case as this workstation holds it — its context, its study and its priors with their series
 * and reports — in the shape the backend sends (`CaseDetail`), or `null` when the cache does not
 * hold it whole (never synced, or its images were evicted). `undefined` while reading.
 */
export function useCachedCase(caseId: string): CaseDetail | null | undefined {
  return useLiveQuery(() => readCachedCase(cacheDb(), caseId), [caseId]);
}

export async function readCachedCase(db: TandemDb, caseId: string): Promise<CaseDetail | null> {
  markOpening('case-read:start');
  const [assignment, context, links] = await Promise.all([
    db.assignments.get(caseId),
    db.contexts.get(caseId),
    db.priorLinks.where('caseId').equals(caseId).toArray(),
  ]);
  if (!assignment || !context) return null;
  const priorUids = links.sort((a, b) => a.order - b.order).map((l) => l.studyInstanceUid);
  const uids = [assignment.studyInstanceUid, ...priorUids];
  markOpening('case-read:links');
  const [studies, series] = await Promise.all([
    db.studies.bulkGet(uids),
    db.series.where('studyInstanceUid').anyOf(uids).toArray(),
  ]);
  if (studies.some((s) => s === undefined)) return null;
  const summary = (row: StudyRow): StudySummary => {
    const { caseIds: _caseIds, report: _report, ...fields } = row;
    return {
      ...fields,
      series: series
        .filter((s) => s.studyInstanceUid === row.studyInstanceUid)
        .map(({ studyInstanceUid: _study, ...s }) => s),
    };
  };
  const [current, ...priors] = studies as StudyRow[];
  return {
    caseId,
    kind: context.kind,
    priority: assignment.priority,
    dueAt: assignment.dueAt,
    status: assignment.status,
    subspecialty: assignment.subspecialty,
    context: context.context,
    study: summary(current!),
    priors: priors.map((p): PriorStudy => ({ ...summary(p), report: p.report })),
    hasOriginalReport: context.hasOriginalReport,
  };
}
