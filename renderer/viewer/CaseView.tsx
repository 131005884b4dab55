import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CaseDetail } from '../../shared/api/contract.ts';
import type { SeriesSummary, StudySummary } from '../../shared/domain/case.ts';
import { connectionStore, useConnection } from '../app/connection-store.ts';
import { ErrorNotice } from '../app/ErrorNotice.tsx';
import { formatPersonName } from '../app/person-name.ts';
import { navigate } from '../app/route.ts';
import { useServices } from '../app/services.ts';
import { isUnreachable } from '../app/session-controller.ts';
import { ReportDraftPanel } from '../report/ReportDraftPanel.tsx';
import { OriginalReportPanel } from '../second-opinion/OriginalReportPanel.tsx';
import { syncClient } from '../workers/sync-client.ts';
import { KIND_LABEL, PRIORITY_LABEL } from '../worklist/labels.ts';
import { ClinicalContextPanel } from './ClinicalContextPanel.tsx';
import { KeyHelp } from './KeyHelp.tsx';
import { SeriesList, seriesLabel, type StudyGroup } from './SeriesList.tsx';
import { SeriesViewport } from './SeriesViewport.tsx';
import { useCachedCase } from './use-cached-case.ts';

/** What the server said when the case was opened. */
type Remote =
  | { state: 'loading' }
  | { state: 'unreachable' }
  | { state: 'refused'; error: unknown }
  | { state: 'ready'; detail: CaseDetail };

interface Selection {
  studyUid: string;
  seriesUid: string;
}

/** Display order of series: by series number, unnumbered last. */
function orderSeries(series: readonly SeriesSummary[]): SeriesSummary[] {
  return [...series].sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));
}

function groupsOf(detail: CaseDetail): StudyGroup[] {
  const group = (study: StudySummary, role: StudyGroup['role']): StudyGroup => ({
    study,
    role,
    series: orderSeries(study.series),
  });
  return [group(detail.study, 'current'), ...detail.priors.map((p) => group(p, 'prior'))];
}

/**
 * One case: its context, the series of its study and of its priors, a viewport, the report draft.
 * Everything shown comes from this workstation's cache; while it is open the sync worker brings
 * this case first. The server is asked too when it can be reached — it confirms the case is
 * still this radiologist's, and shows a case the cache does not hold yet.
 */
export default function CaseView({ caseId }: { caseId: string }) {
  const { api } = useServices();
  const connection = useConnection();
  const cached = useCachedCase(caseId);
  const [remote, setRemote] = useState<Remote>({ state: 'loading' });
  const [selected, setSelected] = useState<Selection | undefined>();

  useEffect(() => {
    syncClient.focus(caseId);
    return () => syncClient.focus(null);
  }, [caseId]);

  const fetchCase = useCallback(() => {
    let cancelled = false;
    setRemote({ state: 'loading' });
    api.caseDetail(caseId).then(
      (detail) => !cancelled && setRemote({ state: 'ready', detail }),
      (error: unknown) => {
        if (cancelled) return;
        if (isUnreachable(error)) {
          connectionStore.set('offline');
          setRemote({ state: 'unreachable' });
        } else {
          setRemote({ state: 'refused', error });
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, caseId]);
  useEffect(fetchCase, [fetchCase]);

  // Back online with a case the cache cannot show: ask again.
  const askAgain = connection === 'online' && remote.state === 'unreachable' && !cached;
  useEffect(() => {
    if (askAgain) return fetchCase();
  }, [askAgain, fetchCase]);

  const detail = cached ?? (remote.state === 'ready' ? remote.detail : undefined);
  const groups = useMemo(() => (detail ? groupsOf(detail) : []), [detail]);
  const flat = useMemo(
    () => groups.flatMap((g) => g.series.map((series) => ({ study: g.study, series }))),
    [groups],
  );
  const current =
    flat.find(
      (e) =>
        e.study.studyInstanceUid === selected?.studyUid &&
        e.series.seriesInstanceUid === selected?.seriesUid,
    ) ?? flat[0];

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTyping(event.target)) {
        // Esc leaves the text for the images; a second Esc goes back to the worklist.
        if (event.key === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        navigate({ name: 'worklist' });
      } else if ((event.key === ']' || event.key === '[') && current) {
        const i = flat.indexOf(current) + (event.key === ']' ? 1 : -1);
        const next = flat[Math.max(0, Math.min(flat.length - 1, i))];
        if (next)
          setSelected({
            studyUid: next.study.studyInstanceUid,
            seriesUid: next.series.seriesInstanceUid,
          });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flat, current]);

  if (remote.state === 'refused') {
    return (
      <main className="case-view-error">
        <ErrorNotice error={remote.error} onRetry={fetchCase} />
        <button type="button" onClick={() => navigate({ name: 'worklist' })}>
          Back to the worklist
        </button>
      </main>
    );
  }
  if (!detail) {
    if (cached === null && remote.state === 'unreachable') {
      return (
        <main className="case-view-error">
          <div className="error-notice" role="alert">
            <p>
              This case is not on this workstation yet, and the server cannot be reached. It opens
              as soon as the connection is back.
            </p>
          </div>
          <button type="button" onClick={() => navigate({ name: 'worklist' })}>
            Back to the worklist
          </button>
        </main>
      );
    }
    return <p className="splash">Opening the case…</p>;
  }

  return (
    <main className="case-view" data-testid="case-view" data-case-id={detail.caseId}>
      <aside className="case-sidebar">
        <div className="case-heading">
          <button type="button" className="back" onClick={() => navigate({ name: 'worklist' })}>
            ← Worklist <kbd>Esc</kbd>
          </button>
          <h2>{formatPersonName(detail.study.patientName)}</h2>
          <p className="muted">
            {detail.study.patientId} · {detail.study.description} · {detail.study.studyDate}
          </p>
          <p>
            <span className={`priority-badge priority-${detail.priority}`}>
              {PRIORITY_LABEL[detail.priority]}
            </span>{' '}
            {KIND_LABEL[detail.kind]} · {detail.subspecialty}
          </p>
        </div>
        <ClinicalContextPanel context={detail.context} />
        {detail.kind !== 'first-read' && (
          <OriginalReportPanel caseId={detail.caseId} kind={detail.kind} />
        )}
        <SeriesList
          groups={groups}
          selected={
            current && {
              studyUid: current.study.studyInstanceUid,
              seriesUid: current.series.seriesInstanceUid,
            }
          }
          onSelect={(studyUid, seriesUid) => setSelected({ studyUid, seriesUid })}
        />
        <KeyHelp modality={current?.series.modality} />
      </aside>
      <section className="viewport-grid">
        {current ? (
          <SeriesViewport
            viewportIndex={0}
            studyUid={current.study.studyInstanceUid}
            series={current.series}
            label={
              current.study.studyInstanceUid === detail.study.studyInstanceUid
                ? seriesLabel(current.series)
                : `Prior ${current.study.studyDate} · ${seriesLabel(current.series)}`
            }
          />
        ) : (
          <p className="muted pad">This study has no series.</p>
        )}
      </section>
      <ReportDraftPanel caseId={detail.caseId} />
    </main>
  );
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}
