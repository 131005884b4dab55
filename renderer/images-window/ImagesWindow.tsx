import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { CaseDetail } from '../../shared/api/contract.ts';
import { rankProtocols } from '../../shared/hanging/apply-protocol.ts';
import type { SeriesSummary, StudySummary } from '../../shared/domain/case.ts';
import { formatPersonName } from '../app/person-name.ts';
import { useServices } from '../app/services.ts';
import { ErrorNotice } from '../app/ErrorNotice.tsx';
import { SHIPPED_PROTOCOLS } from '../hanging/shipped-protocols.ts';
import { toViewerLayout } from '../hanging/use-hanging.ts';
import { useUserProtocols } from '../hanging/user-protocols.ts';
import { seriesLabel } from '../viewer/SeriesList.tsx';
import { SeriesViewport } from '../viewer/SeriesViewport.tsx';
import { releaseHeaderFiles } from '../viewer/cornerstone-setup.ts';
import { linkViewports } from '../viewer/sync-manager.ts';
import { useCachedCase } from '../viewer/use-cached-case.ts';
import {
  allViewportHandles,
  subscribeViewports,
  viewportsVersion,
} from '../viewer/viewport-registry.ts';
import { secondDisplayHanging, type StageChoice } from './second-display.ts';
import { followStage } from './stage-channel.ts';
import '../viewer/viewer.css';

function findSeries(
  detail: CaseDetail,
  studyUid: string,
  seriesUid: string,
): { study: StudySummary; series: SeriesSummary } | undefined {
  for (const study of [detail.study, ...detail.priors]) {
    if (study.studyInstanceUid !== studyUid) continue;
    const series = study.series.find((s) => s.seriesInstanceUid === seriesUid);
    if (series) return { study, series };
  }
  return undefined;
}

/**
 * An images window (`#/cases/<id>/display/<n>`): the viewports the reading window's current
 * hanging-protocol stage puts on another display, following its stage as the reader steps
 * through them. Images come from the cache, as in the reading window.
 */
export default function ImagesWindow({ caseId, display }: { caseId: string; display: number }) {
  const { api } = useServices();
  const cached = useCachedCase(caseId);
  const [remote, setRemote] = useState<{ detail?: CaseDetail; error?: unknown }>({});
  const user = useUserProtocols();
  const [choice, setChoice] = useState<StageChoice | null>(null);
  const [active, setActive] = useState(0);
  const viewportsRev = useSyncExternalStore(subscribeViewports, viewportsVersion);

  useEffect(() => followStage(caseId, setChoice), [caseId]);
  // the files read for their headers only (slice linking) are not kept past the case
  useEffect(() => () => releaseHeaderFiles(), [caseId]);
  useEffect(() => {
    if (cached !== null) return;
    let cancelled = false;
    api.caseDetail(caseId).then(
      (detail) => !cancelled && setRemote({ detail }),
      (error: unknown) => !cancelled && setRemote({ error }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, caseId, cached]);

  const detail = cached ?? remote.detail;
  const hanging = useMemo(() => {
    if (!detail || !user) return null;
    const studies = { current: detail.study, others: detail.priors };
    const matches = rankProtocols([...user, ...SHIPPED_PROTOCOLS], studies);
    return secondDisplayHanging(matches, choice, detail.study);
  }, [detail, user, choice]);
  const layout = useMemo(
    () => (hanging?.layout ? toViewerLayout(hanging.layout) : null),
    [hanging],
  );
  useEffect(
    () => (layout ? linkViewports(layout.syncGroups, allViewportHandles()) : undefined),
    [layout, viewportsRev],
  );

  if (!detail) {
    return remote.error ? (
      <ErrorNotice error={remote.error} />
    ) : (
      <p className="splash">Opening the images…</p>
    );
  }
  const studyLines = (study: StudySummary) => [
    formatPersonName(study.patientName),
    study.patientId,
    `${study.studyDate} · ${study.description}`,
  ];

  return (
    <main
      className="case-view images-window"
      data-testid="images-window"
      data-case-id={caseId}
      data-display={display}
      data-protocol-id={hanging?.stage.protocolId}
      data-stage-id={hanging?.stage.stageId}
    >
      <section className="viewer-area">
        <p className="muted small pad">
          Display {display + 1} ·{' '}
          {hanging ? `${hanging.stage.protocolName}: ${hanging.stage.stageName}` : '…'}
        </p>
        {layout ? (
          <section
            className="viewport-grid"
            data-testid="viewport-grid"
            data-rows={layout.rows}
            data-columns={layout.columns}
            style={{
              gridTemplateRows: `repeat(${layout.rows}, minmax(0, 1fr))`,
              gridTemplateColumns: `repeat(${layout.columns}, minmax(0, 1fr))`,
            }}
          >
            {layout.viewports.map((spec, index) => {
              const found = spec
                ? findSeries(detail, spec.studyInstanceUid, spec.seriesInstanceUid)
                : undefined;
              return (
                <div
                  key={index}
                  className={`viewport-slot${index === active ? ' active' : ''}`}
                  data-testid="viewport-slot"
                  data-slot-index={index}
                  onMouseDownCapture={() => setActive(index)}
                >
                  {spec && found ? (
                    <SeriesViewport
                      viewportIndex={index}
                      spec={spec}
                      series={found.series}
                      seriesLabel={
                        found.study.studyInstanceUid === detail.study.studyInstanceUid
                          ? seriesLabel(found.series)
                          : `Prior ${found.study.studyDate} · ${seriesLabel(found.series)}`
                      }
                      studyLines={studyLines(found.study)}
                      active={index === active}
                    />
                  ) : (
                    <div className="viewport-empty muted" data-testid="viewport-empty" />
                  )}
                </div>
              );
            })}
          </section>
        ) : (
          <p className="muted pad" data-testid="images-window-empty">
            This stage puts no images on this display.
          </p>
        )}
      </section>
    </main>
  );
}
