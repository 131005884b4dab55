import type { Locator } from '@playwright/test';

export interface CanvasStats {
  width: number;
  height: number;
  mean: number;
  stdDev: number;
  /** fraction of pixels that are not (near) black */
  nonBlack: number;
  /** coarse 32×32 luminance thumbnail, to compare two frames */
  thumb: number[];
}

/**
 * Reads what the viewport's canvas shows (Cornerstone draws into a 2D canvas, so getImageData
 * returns the pixels on screen). Tests check pixels, never only render events: FIELD-NOTES
 * records IMAGE_RENDERED firing over a black canvas.
 */
export async function canvasStats(viewport: Locator): Promise<CanvasStats> {
  return viewport.evaluate((el) => {
    const canvas = el.querySelector('canvas');
    if (!canvas) throw new Error('no canvas in viewport');
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('viewport canvas has no 2d context');
    const { width, height } = canvas;
    const data = ctx.getImageData(0, 0, width, height).data;
    let sum = 0;
    let sumSq = 0;
    let nonBlack = 0;
    const n = width * height;
    const thumb = new Array<number>(32 * 32).fill(0);
    const counts = new Array<number>(32 * 32).fill(0);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const l = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
        sum += l;
        sumSq += l * l;
        if (l > 8) nonBlack++;
        const t = Math.floor((y * 32) / height) * 32 + Math.floor((x * 32) / width);
        thumb[t]! += l;
        counts[t]! += 1;
      }
    }
    const mean = sum / n;
    return {
      width,
      height,
      mean,
      stdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
      nonBlack: nonBlack / n,
      thumb: thumb.map((v, i) => v / Math.max(1, counts[i]!)),
    };
  });
}

/** Mean absolute difference between two thumbnails, in grey levels. */
export function thumbDifference(a: CanvasStats, b: CanvasStats): number {
  let d = 0;
  for (let i = 0; i < a.thumb.length; i++) d += Math.abs(a.thumb[i]! - b.thumb[i]!);
  return d / a.thumb.length;
}
