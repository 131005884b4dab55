import { utilities } from '@cornerstonejs/core';

interface Props {
  seriesLabel: string;
  imageNumber: number;
  imageCount: number;
  voi: { lower: number; upper: number } | null;
}

/** Four-corner text over the image: series, image number, window/level. */
export function ViewportOverlay({ seriesLabel, imageNumber, imageCount, voi }: Props) {
  const wl = voi ? utilities.windowLevel.toWindowLevel(voi.lower, voi.upper) : null;
  return (
    <div className="viewport-overlay" aria-hidden="false">
      <div className="corner top-left">{seriesLabel}</div>
      <div className="corner top-right" />
      <div className="corner bottom-left" data-testid="image-number">
        {imageCount > 0 ? `Im ${imageNumber}/${imageCount}` : 'No images'}
      </div>
      <div className="corner bottom-right" data-testid="window-level">
        {wl ? `W ${Math.round(wl.windowWidth)} L ${Math.round(wl.windowCenter)}` : ''}
      </div>
    </div>
  );
}
