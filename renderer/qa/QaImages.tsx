import { getRenderingEngine } from '@cornerstonejs/core';
import { annotation as annotationApi, type Types as ToolTypes } from '@cornerstonejs/tools';
import { useCallback, useEffect, useMemo } from 'react';
import type { QaItemDetail } from '../../shared/api/contract.ts';
import type { Measurement } from '../../shared/domain/measurement.ts';
import { measurementText } from '../../shared/report/document.ts';
import { useServices } from '../app/services.ts';
import { initCornerstone, RENDERING_ENGINE_ID } from '../viewer/cornerstone-setup.ts';
import { annotationOfMeasurement } from '../viewer/measurement-store.ts';
import { seriesLabel } from '../viewer/SeriesList.tsx';
import { SeriesViewport } from '../viewer/SeriesViewport.tsx';
import { useCachedCase } from '../viewer/use-cached-case.ts';
import { viewportHandle } from '../viewer/viewport-registry.ts';
import { syncClient } from '../workers/sync-client.ts';
import {
  overlayAnnotationUid,
  readerOverlays,
  readerStyle,
  seriesToShow,
} from './reader-overlays.ts';
import { LoadStatus, useLoad } from './remote-state.tsx';

/**
 * The images of a QA item beside its reads: the study under review from the case that shows it
 * (the workstation brings the images when it opens, as for any case), with both readers'
 * measurements drawn over them, each reader in a colour of their own, and a legend naming them.
 */
export function QaImages({ caseId, detail: item }: { caseId: string; detail: QaItemDetail }) {
  const studyUid = item.item.studyInstanceUid;
  const overlays = useMemo(() => readerOverlays(item), [item]);
  const { api } = useServices();
  useEffect(() => {
    syncClient.focus(caseId);
    return () => syncClient.focus(null);
  }, [caseId]);
  const cached = useCachedCase(caseId);
  const remote = useLoad(useCallback(() => api.caseDetail(caseId), [api, caseId]));
  const detail = cached ?? remote.data;
  const study = detail
    ? [detail.study, ...detail.priors].find((s) => s.studyInstanceUid === studyUid)
    : undefined;
  const series = useMemo(
    () => (study ? seriesToShow(overlays, study.series) : null),
    [study, overlays],
  );

  // Both readers' marks, locked, in their colours; gone with the view.
  useEffect(() => {
    let cancelled = false;
    const placed: string[] = [];
    void (async () => {
      await initCornerstone();
      for (const o of overlays) {
        for (const m of o.measurements) {
          if (m.studyInstanceUid !== studyUid) continue;
          const a = await annotationOfMeasurement(m);
          if (!a || cancelled) continue;
          const uid = overlayAnnotationUid(o.reader, m.annotationId);
          annotationApi.state.addAnnotation(
            { ...a, annotationUID: uid, isLocked: true } as unknown as ToolTypes.Annotation,
            a.metadata.FrameOfReferenceUID ?? '',
          );
          annotationApi.config.style.setAnnotationStyles(uid, readerStyle(o.colour));
          placed.push(uid);
        }
      }
      if (!cancelled) getRenderingEngine(RENDERING_ENGINE_ID)?.render();
    })();
    return () => {
      cancelled = true;
      for (const uid of placed) annotationApi.state.removeAnnotation(uid);
    };
  }, [overlays, studyUid]);

  const jump = (m: Measurement) => viewportHandle(0)?.jumpTo(m.sopInstanceUid, m.frameIndex);

  return (
    <section className="qa-images" data-testid="qa-images" aria-label="Images under review">
      <ul className="qa-legend" data-testid="qa-legend">
        {overlays.map((o) => (
          <li
            key={o.reader}
            data-testid="qa-legend-reader"
            data-reader={o.reader}
            data-colour={o.colour}
            data-count={o.measurements.length}
          >
            <span className="qa-swatch" style={{ background: o.colour }} aria-hidden="true" />{' '}
            {o.title}
            {o.measurements.length === 0 ? (
              <span className="muted"> · no measurements</span>
            ) : (
              <ul>
                {o.measurements.map((m) => (
                  <li key={m.annotationId}>
                    <button
                      type="button"
                      className="link"
                      style={{ color: o.colour }}
                      onClick={() => jump(m)}
                    >
                      {measurementText(m)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <div className="qa-viewport">
        {series ? (
          <SeriesViewport
            viewportIndex={0}
            spec={{ studyInstanceUid: studyUid, seriesInstanceUid: series.seriesInstanceUid }}
            series={series}
            seriesLabel={seriesLabel(series)}
            studyLines={study ? [study.description] : []}
            active
          />
        ) : detail ? (
          <p className="muted pad">This study has no images to show.</p>
        ) : (
          <LoadStatus error={remote.error} loading="Opening the images…" />
        )}
      </div>
      <a href={`#/cases/${caseId}`} data-testid="qa-open-case">
        Open in the viewer
      </a>
    </section>
  );
}
