import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import type { CaseDetail } from '../../shared/api/contract.ts';
import { Measurement } from '../../shared/domain/measurement.ts';
import {
  compareMeasurements,
  describeChange,
  type MeasurementChange,
} from '../../shared/hanging/compare-measurements.ts';
import { cacheDb } from '../app/local-cache.ts';

/**
 * Change against the prior of every finding measured on both (a nodule measured on the current
 * and on the prior): absolute, percent and the interval. Reads the case's measurements from the
 * cache's `annotations` table, as the viewer stores them.
 */
export function MeasurementComparison({ detail }: { detail: CaseDetail }) {
  const rows = useLiveQuery(
    () => cacheDb().annotations.where('caseId').equals(detail.caseId).toArray(),
    [detail.caseId],
  );
  const changes = useMemo<MeasurementChange[]>(() => {
    const measurements = (rows ?? []).flatMap((row) => {
      const parsed = Measurement.safeParse(row.data);
      return parsed.success ? [parsed.data] : [];
    });
    const current = measurements.filter(
      (m) => m.studyInstanceUid === detail.study.studyInstanceUid,
    );
    // Newest prior first: each current finding is compared with the most recent prior measuring it.
    const priors = [...detail.priors].sort((a, b) => b.studyDate.localeCompare(a.studyDate));
    const out: MeasurementChange[] = [];
    let left = current;
    for (const prior of priors) {
      const onPrior = measurements.filter((m) => m.studyInstanceUid === prior.studyInstanceUid);
      const found = compareMeasurements(left, onPrior, {
        currentStudyDate: detail.study.studyDate,
        priorStudyDate: prior.studyDate,
      });
      out.push(...found);
      const paired = new Set(found.map((c) => c.current.annotationId));
      left = left.filter((m) => !paired.has(m.annotationId));
    }
    return out;
  }, [rows, detail.study, detail.priors]);

  if (changes.length === 0) return null;
  return (
    <section
      className="panel measurement-comparison"
      aria-label="Change since the prior"
      data-testid="measurement-comparison"
    >
      <h3>Change since the prior</h3>
      <ul>
        {changes.map((change) => (
          <li
            key={change.current.annotationId}
            data-testid="measurement-change"
            data-absolute={change.absolute.toFixed(2)}
            data-percent={change.percent === null ? '' : change.percent.toFixed(1)}
          >
            {change.current.label ? <strong>{change.current.label}: </strong> : null}
            {describeChange(change)}
          </li>
        ))}
      </ul>
    </section>
  );
}
