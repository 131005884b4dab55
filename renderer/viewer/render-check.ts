import type { Types } from '@cornerstonejs/core';

/**
 * Whether the viewport's canvas really shows its image. Cornerstone can fire IMAGE_RENDERED over
 * a black canvas when a load went wrong (FIELD-NOTES), so we look at the pixels: a rendered image
 * has some non-black pixel, unless the image itself maps to one grey level under its window.
 */
export function viewportShowsImage(
  canvas: HTMLCanvasElement,
  image: Types.IImage,
  voiRange: { lower: number; upper: number } | undefined,
): boolean {
  if (canvasHasContent(canvas)) return true;
  return imageIsUniformUnderWindow(image, voiRange);
}

const PROBE_SIZE = 64;
let probe: CanvasRenderingContext2D | null | undefined;

/**
 * Scales the canvas down into a small CPU-side probe and reads that: reading the viewport's own
 * canvas back every image costs ~15 ms here and can make Chromium move it off the GPU.
 */
export function canvasHasContent(canvas: HTMLCanvasElement): boolean {
  if (canvas.width === 0 || canvas.height === 0) return false;
  if (probe === undefined) {
    const small = document.createElement('canvas');
    small.width = PROBE_SIZE;
    small.height = PROBE_SIZE;
    probe = small.getContext('2d', { willReadFrequently: true });
  }
  if (!probe) return true; // cannot look: trust the successful load
  probe.clearRect(0, 0, PROBE_SIZE, PROBE_SIZE);
  probe.drawImage(canvas, 0, 0, PROBE_SIZE, PROBE_SIZE);
  const data = probe.getImageData(0, 0, PROBE_SIZE, PROBE_SIZE).data;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i]! > 2 || data[i + 1]! > 2 || data[i + 2]! > 2) return true;
  }
  return false;
}

function imageIsUniformUnderWindow(
  image: Types.IImage,
  voiRange: { lower: number; upper: number } | undefined,
): boolean {
  const min = image.minPixelValue;
  const max = image.maxPixelValue;
  if (!Number.isFinite(min) || !Number.isFinite(max)) return false;
  if (min === max) return true;
  if (!voiRange) return false;
  // Everything at or below the window's floor shows black (e.g. a slice of air in a soft-tissue window).
  return max <= voiRange.lower;
}
