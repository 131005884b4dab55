import type { Types } from '@cornerstonejs/core';
import { orientationLabels } from './orientation.ts';
import { scaleBarFor } from './scale-bar.ts';

/** Overlay nodes a viewport writes into directly when its camera moves (no React render). */
export interface OverlayRefs {
  zoom: HTMLSpanElement | null;
  markers: HTMLDivElement | null;
  cine: HTMLSpanElement | null;
  scale: HTMLDivElement | null;
}

export function emptyOverlayRefs(): OverlayRefs {
  return { zoom: null, markers: null, cine: null, scale: null };
}

/** The part of a Cornerstone viewport (stack or volume) the overlay needs. */
type Viewport = Pick<
  Types.IViewport,
  'getCamera' | 'getCanvas' | 'canvasToWorld' | 'worldToCanvas'
>;

/** Millimetres one CSS pixel of the canvas covers across the screen now. */
export function mmPerScreenPixel(viewport: Viewport): number | null {
  const canvas = viewport.getCanvas();
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (!w || !h) return null;
  const a = viewport.canvasToWorld([w / 2, h / 2]);
  const b = viewport.canvasToWorld([w / 2 + 100, h / 2]);
  const mm = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) / 100;
  return mm > 0 && Number.isFinite(mm) ? mm : null;
}

/**
 * Zoom (screen pixels per image pixel, `pixelSpacingMm` wide), orientation markers and the scale
 * bar, for the camera as it is now.
 */
export function updateCameraOverlay(
  viewport: Viewport,
  refs: OverlayRefs,
  pixelSpacingMm: number | null,
  /** screen pixels per image pixel, when the viewport knows better (a stack: its image's axes) */
  zoomOf?: () => number | null,
): void {
  const known = zoomOf?.() ?? null;
  const mmPerPixel =
    known && pixelSpacingMm ? pixelSpacingMm / known : zoomOf ? null : mmPerScreenPixel(viewport);
  if (refs.zoom) {
    const scale = zoomOf
      ? known
      : mmPerPixel && pixelSpacingMm
        ? pixelSpacingMm / mmPerPixel
        : null;
    refs.zoom.textContent = scale ? `Zoom ${(scale * 100).toFixed(0)}%` : '';
  }
  if (refs.scale) {
    const bar = mmPerPixel ? scaleBarFor(mmPerPixel, viewport.getCanvas().clientWidth) : null;
    const line = refs.scale.querySelector<HTMLElement>('.scale-line');
    const text = refs.scale.querySelector<HTMLElement>('.scale-text');
    refs.scale.hidden = !bar;
    refs.scale.dataset.mm = bar ? String(bar.mm) : '';
    if (line) line.style.width = bar ? `${bar.px.toFixed(1)}px` : '0';
    if (text) text.textContent = bar?.text ?? '';
  }
  if (refs.markers) {
    const { viewUp, viewPlaneNormal } = viewport.getCamera();
    if (!viewUp || !viewPlaneNormal) return;
    const labels = orientationLabels(viewUp, viewPlaneNormal);
    const spans = refs.markers.querySelectorAll('span');
    const order = [labels.top, labels.right, labels.bottom, labels.left];
    spans.forEach((span, i) => (span.textContent = order[i] ?? ''));
  }
}
