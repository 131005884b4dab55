import { utilities } from '@cornerstonejs/core';
import { useEffect, useRef } from 'react';
import type { SeriesSummary } from '../../shared/domain/case.ts';
import { initCornerstone } from './cornerstone-setup.ts';
import { useFirstImagesShown } from './first-images.ts';
import { useSeriesImageIds } from './use-series-image-ids.ts';

/** Thumbnails wait this long, so the first images of the viewports decode first. */
const THUMBNAIL_DELAY_MS = 1500;

/**
 * The middle image of a series, drawn small from the local cache. Its series is not even listed
 * before the case's first images are shown.
 */
export function SeriesThumbnail({ studyUid, series }: { studyUid: string; series: SeriesSummary }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const shown = useFirstImagesShown();
  const images = useSeriesImageIds(studyUid, shown ? series : undefined);
  const imageId =
    images.state === 'ready' ? images.imageIds[Math.floor(images.imageIds.length / 2)] : undefined;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !imageId) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void initCornerstone()
        .then(() => {
          if (cancelled) return;
          return utilities.loadImageToCanvas({ canvas, imageId, thumbnail: true });
        })
        .catch(() => {
          // a thumbnail that cannot be drawn stays black; the viewport says why
        });
    }, THUMBNAIL_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [imageId]);

  return <canvas ref={canvasRef} className="series-thumb" width={64} height={64} aria-hidden />;
}
