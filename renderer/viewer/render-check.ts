import type { Types } from '@cornerstonejs/core';

/**
 * Whether the viewport's canvas really shows its image. Cornerstone can fire IMAGE_RENDERED over
 * a black canvas when a load went wrong (FIELD-NOTES), so we look at the pixels: a rendered image
 * has some non-black pixel, unless the image itself maps to one grey level under its window.
 * `canvas` is what drew the image: the viewport's own canvas, or, on the CPU path, the image's
 * windowed pixels it copied onto it (`drawnCanvas`).
 */
export function viewportShowsImage(
  canvas: HTMLCanvasElement,
  image: Types.IImage,
  voiRange: { lower: number; upper: number } | undefined,
): boolean {
  if (canvasHasContent(canvas)) return true;
  return imageIsUniformUnderWindow(image, voiRange);
}

/** What Cornerstone's CPU path keeps of the image it drew last (its internals, read only). */
interface CpuRenderedViewport {
  _cpuFallbackEnabledElement?: {
    renderingTools?: { renderCanvas?: unknown; lastRenderedImageId?: unknown };
  };
}

/**
 * The canvas to look at for the image a stack viewport has just drawn. On Cornerstone's CPU path
 * that is the image's windowed pixels at their own size (its render canvas, which the viewport's
 * canvas receives by one `drawImage` in the same render), kept in memory (cornerstone-setup.ts):
 * reading the viewport's own canvas, which the browser keeps on the GPU, makes the page wait for
 * the GPU process to finish everything queued before it (70-100 ms per opening here, where it
 * composites in software). Otherwise, or when the render canvas is not this image's, the
 * viewport's canvas.
 */
export function drawnCanvas(
  viewport: { getCanvas(): HTMLCanvasElement },
  image: { imageId: string; color?: boolean },
  cpu: boolean,
): HTMLCanvasElement {
  // Colour images are left out: under the default window the CPU path draws a colour image's own
  // canvas, and its render canvas stays blank.
  if (cpu && !image.color) {
    const tools = (viewport as CpuRenderedViewport)._cpuFallbackEnabledElement?.renderingTools;
    const rendered = tools?.renderCanvas;
    if (rendered instanceof HTMLCanvasElement && tools?.lastRenderedImageId === image.imageId) {
      return rendered;
    }
  }
  return viewport.getCanvas();
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
  // over black, as the viewport shows it: the CPU path's render canvas holds grey levels as
  // alpha over white
  probe.fillStyle = 'black';
  probe.fillRect(0, 0, PROBE_SIZE, PROBE_SIZE);
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
