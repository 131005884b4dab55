import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CaseDetail } from '../../shared/api/contract.ts';
import type { SeriesSummary } from '../../shared/domain/case.ts';
import { ErrorNotice } from '../app/ErrorNotice.tsx';
import { formatPersonName } from '../app/person-name.ts';
import { navigate } from '../app/route.ts';
import { useServices } from '../app/services.ts';
import { KIND_LABEL, PRIORITY_LABEL } from '../worklist/labels.ts';
import { ClinicalContextPanel } from './ClinicalContextPanel.tsx';
import { KeyHelp } from './KeyHelp.tsx';
import { SeriesList, seriesLabel } from './SeriesList.tsx';
import { SeriesViewport } from './SeriesViewport.tsx';

type Load =
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; detail: CaseDetail };

/** Display order of series: by series number, unnumbered last. */
function orderSeries(series: readonly SeriesSummary[]): SeriesSummary[] {
  return [...series].sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));
}

export default function CaseView({ caseId }: { caseId: string }) {
  const { api } = useServices();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [selectedUid, setSelectedUid] = useState<string | undefined>();

  const fetchCase = useCallback(() => {
    let cancelled = false;
    setLoad({ state: 'loading' });
    api.caseDetail(caseId).then(
      (detail) => !cancelled && setLoad({ state: 'ready', detail }),
      (error: unknown) => !cancelled && setLoad({ state: 'error', error }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, caseId]);
  useEffect(fetchCase, [fetchCase]);

  const series = useMemo(
    () => (load.state === 'ready' ? orderSeries(load.detail.study.series) : []),
    [load],
  );
  const current = series.find((s) => s.seriesInstanceUid === selectedUid) ?? series[0];

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        navigate({ name: 'worklist' });
      } else if ((event.key === ']' || event.key === '[') && current) {
        const i = series.indexOf(current) + (event.key === ']' ? 1 : -1);
        const next = series[Math.max(0, Math.min(series.length - 1, i))];
        if (next) setSelectedUid(next.seriesInstanceUid);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [series, current]);

  if (load.state === 'loading') return <p className="splash">Opening the case…</p>;
  if (load.state === 'error') {
    return (
      <main className="case-view-error">
        <ErrorNotice error={load.error} onRetry={fetchCase} />
        <button type="button" onClick={() => navigate({ name: 'worklist' })}>
          Back to the worklist
        </button>
      </main>
    );
  }

  const { detail } = load;
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
        <SeriesList
          series={series}
          selectedUid={current?.seriesInstanceUid}
          onSelect={setSelectedUid}
        />
        <KeyHelp modality={current?.modality} />
      </aside>
      <section className="viewport-grid">
        {current ? (
          <SeriesViewport
            viewportIndex={0}
            studyUid={detail.study.studyInstanceUid}
            series={current}
            label={seriesLabel(current)}
          />
        ) : (
          <p className="muted pad">This study has no series.</p>
        )}
      </section>
    </main>
  );
}
