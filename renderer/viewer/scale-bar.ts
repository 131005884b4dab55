/**
 * The scale bar under an image: a round length in millimetres, drawn about a fifth to a half of
 * the viewport's width. Pure maths over the current zoom (millimetres per screen pixel).
 */
const LENGTHS_MM = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export interface ScaleBar {
  mm: number;
  px: number;
  text: string;
}

export function scaleBarFor(mmPerPixel: number, viewportWidthPx: number): ScaleBar | null {
  if (!(mmPerPixel > 0) || !(viewportWidthPx > 0)) return null;
  const widthMm = mmPerPixel * viewportWidthPx;
  // the longest round length no wider than half the viewport
  const fitting = LENGTHS_MM.filter((mm) => mm <= widthMm / 2);
  const mm = fitting[fitting.length - 1];
  if (mm === undefined) return null;
  const text = mm >= 10 ? `${mm / 10} cm` : `${mm} mm`;
  return { mm, px: mm / mmPerPixel, text };
}
