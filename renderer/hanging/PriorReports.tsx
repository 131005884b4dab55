import type { PriorStudy, StudySummary } from '../../shared/domain/case.ts';
import { intervalText } from '../../shared/hanging/priors.ts';

/**
 * The priors' signed reports, newest first, readable beside the images while comparing. Only
 * reports the backend released reach the cache (a blinded original never does).
 */
export function PriorReports({
  current,
  priors,
}: {
  current: StudySummary;
  priors: readonly PriorStudy[];
}) {
  const withReport = [...priors]
    .filter((p) => p.report)
    .sort((a, b) => b.studyDate.localeCompare(a.studyDate));
  if (withReport.length === 0) return null;
  return (
    <section className="panel prior-reports" aria-label="Prior reports">
      <h3>Prior reports</h3>
      {withReport.map((prior) => (
        <article
          key={prior.studyInstanceUid}
          className="prior-report"
          data-testid="prior-report"
          data-study-uid={prior.studyInstanceUid}
        >
          <h4>
            {prior.description} · {prior.studyDate}{' '}
            <span className="muted">({intervalText(current.studyDate, prior.studyDate)})</span>
          </h4>
          <p className="muted">Signed by {prior.report?.authorDisplayName}</p>
          <div className="prior-report-text">{prior.report?.text}</div>
        </article>
      ))}
    </section>
  );
}
