import type { SeriesSummary } from '../../shared/domain/case.ts';
import { ErrorNotice } from '../app/ErrorNotice.tsx';
import { StackViewport } from './StackViewport.tsx';
import { useSeriesImageIds } from './use-series-image-ids.ts';

const NO_IMAGES: readonly string[] = [];

interface Props {
  viewportIndex: number;
  studyUid: string;
  series: SeriesSummary;
  label: string;
}

/** A viewport slot showing one series: resolves its images, then hands them to the stack viewport. */
export function SeriesViewport({ viewportIndex, studyUid, series, label }: Props) {
  const images = useSeriesImageIds(studyUid, series);
  return (
    <div className="viewport-slot">
      <StackViewport
        // a new series starts from a clean slate: nothing of the last one may pass for it
        key={series.seriesInstanceUid}
        viewportIndex={viewportIndex}
        seriesUid={series.seriesInstanceUid}
        seriesLabel={label}
        modality={series.modality}
        imageIds={images.state === 'ready' ? images.imageIds : NO_IMAGES}
        active
      />
      {images.state === 'loading' && <div className="viewport-message muted">Finding images…</div>}
      {images.state === 'error' && (
        <div className="viewport-message">
          <ErrorNotice error={images.error} />
        </div>
      )}
    </div>
  );
}
