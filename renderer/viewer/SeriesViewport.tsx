import { useEffect } from 'react';
import type { SeriesSummary } from '../../shared/domain/case.ts';
import { ErrorNotice } from '../app/ErrorNotice.tsx';
import type { ViewportSpec } from './layout-model.ts';
import { MprViewport } from './MprViewport.tsx';
import { StackViewport } from './StackViewport.tsx';
import { useSeriesImageIds } from './use-series-image-ids.ts';
import { markOpening } from './open-marks.ts';

const NO_IMAGES: readonly string[] = [];

interface Props {
  viewportIndex: number;
  spec: ViewportSpec;
  series: SeriesSummary;
  seriesLabel: string;
  studyLines: readonly string[];
  active: boolean;
}

/**
 * A viewport slot showing one series: resolves its images, then hands them to a stack viewport,
 * or to a reformat of its volume when the slot asks for a plane (MPR).
 */
export function SeriesViewport({
  viewportIndex,
  spec,
  series,
  seriesLabel,
  studyLines,
  active,
}: Props) {
  const images = useSeriesImageIds(spec.studyInstanceUid, series);
  const imageIds = images.state === 'ready' ? images.imageIds : NO_IMAGES;
  useEffect(() => {
    if (images.state === 'ready') markOpening(`viewport-${viewportIndex}:ids`);
  }, [images.state, viewportIndex]);
  const orientation = spec.orientation ?? 'stack';
  return (
    <>
      {orientation === 'stack' ? (
        <StackViewport
          // a new series starts from a clean slate: nothing of the last one may pass for it
          key={series.seriesInstanceUid}
          viewportIndex={viewportIndex}
          studyUid={spec.studyInstanceUid}
          seriesUid={series.seriesInstanceUid}
          seriesLabel={seriesLabel}
          label={spec.label}
          studyLines={studyLines}
          modality={series.modality}
          imageIds={imageIds}
          voiPreset={spec.voiPreset}
          flipHorizontal={spec.flipHorizontal}
          active={active}
        />
      ) : (
        <MprViewport
          key={`${series.seriesInstanceUid}|${orientation}`}
          viewportIndex={viewportIndex}
          seriesUid={series.seriesInstanceUid}
          seriesLabel={seriesLabel}
          label={spec.label}
          studyLines={studyLines}
          modality={series.modality}
          imageIds={imageIds}
          orientation={orientation}
          voiPreset={spec.voiPreset}
          active={active}
        />
      )}
      {images.state === 'loading' && <div className="viewport-message muted">Finding images…</div>}
      {images.state === 'error' && (
        <div className="viewport-message">
          <ErrorNotice error={images.error} />
        </div>
      )}
    </>
  );
}
