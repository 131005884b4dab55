import { utilities } from '@cornerstonejs/core';
import type { OverlayRefs } from './camera-overlay.ts';

export type { OverlayRefs } from './camera-overlay.ts';

interface Props {
  refs: OverlayRefs;
  seriesLabel: string;
  label?: string | undefined;
  /** laterality and view of a projection image from its header, e.g. "L CC" */
  projection?: string | undefined;
  studyLines: readonly string[];
  imageNumber: number;
  imageCount: number;
  /** "Fr 3/24" for a frame of a multi-frame instance */
  frameText?: string | undefined;
  sliceText: string;
  /** e.g. "Sagittal · MIP 10 mm" on a reformat */
  planeText?: string | undefined;
  voi: { lower: number; upper: number } | null;
  scaleBar: boolean;
}

/** Four-corner text over the image, orientation markers at the edges, the scale bar. */
export function ViewportOverlay({
  refs,
  seriesLabel,
  label,
  projection,
  studyLines,
  imageNumber,
  imageCount,
  frameText,
  sliceText,
  planeText,
  voi,
  scaleBar,
}: Props) {
  const wl = voi ? utilities.windowLevel.toWindowLevel(voi.lower, voi.upper) : null;
  return (
    <div className="viewport-overlay" aria-hidden="false">
      <div className="corner top-left">
        {projection && (
          <div className="projection-label" data-testid="projection-label">
            {projection}
          </div>
        )}
        <div>{seriesLabel}</div>
        {label && <div data-testid="viewport-label">{label}</div>}
        {planeText && <div data-testid="plane">{planeText}</div>}
      </div>
      <div className="corner top-right">
        {studyLines.map((line) => (
          <div key={line}>{line}</div>
        ))}
      </div>
      <div className="corner bottom-left">
        <div data-testid="image-number">
          {imageCount > 0 ? `Im ${imageNumber}/${imageCount}` : 'No images'}
          {frameText && <span data-testid="frame-number"> · {frameText}</span>}
        </div>
        <div>
          {/* a narrow viewport wraps the slice text between its items, never inside one */}
          {sliceText.split(' · ').map((item, i) => (
            <span key={i} className="overlay-item">
              {i > 0 && ' · '}
              {item}
            </span>
          ))}
        </div>
        <span className="cine-state" ref={(n) => void (refs.cine = n)} />
      </div>
      <div className="corner bottom-right">
        <div data-testid="window-level">
          {wl ? `W ${Math.round(wl.windowWidth)} L ${Math.round(wl.windowCenter)}` : ''}
        </div>
        <span data-testid="zoom" ref={(n) => void (refs.zoom = n)} />
      </div>
      {scaleBar && (
        <div
          className="scale-bar"
          data-testid="scale-bar"
          hidden
          ref={(n) => void (refs.scale = n)}
        >
          <div className="scale-line" />
          <span className="scale-text" />
        </div>
      )}
      <div className="orientation-markers" ref={(n) => void (refs.markers = n)}>
        <span className="marker top" />
        <span className="marker right" />
        <span className="marker bottom" />
        <span className="marker left" />
      </div>
    </div>
  );
}
