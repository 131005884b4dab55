import { utilities } from '@cornerstonejs/core';

/** Overlay nodes the viewport writes into directly when the camera moves (no React render). */
export interface OverlayRefs {
  zoom: HTMLSpanElement | null;
  markers: HTMLDivElement | null;
  cine: HTMLSpanElement | null;
}

interface Props {
  refs: OverlayRefs;
  seriesLabel: string;
  label?: string | undefined;
  studyLines: readonly string[];
  imageNumber: number;
  imageCount: number;
  sliceText: string;
  voi: { lower: number; upper: number } | null;
}

/** Four-corner text over the image, orientation markers at the edges. */
export function ViewportOverlay({
  refs,
  seriesLabel,
  label,
  studyLines,
  imageNumber,
  imageCount,
  sliceText,
  voi,
}: Props) {
  const wl = voi ? utilities.windowLevel.toWindowLevel(voi.lower, voi.upper) : null;
  return (
    <div className="viewport-overlay" aria-hidden="false">
      <div className="corner top-left">
        <div>{seriesLabel}</div>
        {label && <div data-testid="viewport-label">{label}</div>}
      </div>
      <div className="corner top-right">
        {studyLines.map((line) => (
          <div key={line}>{line}</div>
        ))}
      </div>
      <div className="corner bottom-left">
        <div data-testid="image-number">
          {imageCount > 0 ? `Im ${imageNumber}/${imageCount}` : 'No images'}
        </div>
        <div>{sliceText}</div>
        <span className="cine-state" ref={(n) => void (refs.cine = n)} />
      </div>
      <div className="corner bottom-right">
        <div data-testid="window-level">
          {wl ? `W ${Math.round(wl.windowWidth)} L ${Math.round(wl.windowCenter)}` : ''}
        </div>
        <span data-testid="zoom" ref={(n) => void (refs.zoom = n)} />
      </div>
      <div className="orientation-markers" ref={(n) => void (refs.markers = n)}>
        <span className="marker top" />
        <span className="marker right" />
        <span className="marker bottom" />
        <span className="marker left" />
      </div>
    </div>
  );
}
