import { TG18_LN_LEVELS, tg18LnDdl } from '../../shared/display/tg18.ts';

const grey = (level: number): string => {
  const v = Math.max(0, Math.min(255, Math.round(level)));
  return `rgb(${v},${v},${v})`;
};

/**
 * Draws a TG18-QC style pattern over the whole canvas, in device pixels: a 10 % grid with a
 * border (geometry), 18 luminance squares from black to white with ±1-level corner targets
 * (contrast at every level), 0/5 % and 95/100 % patches (the extremes), "QUALITY CONTROL" on
 * dark, mid and light backgrounds with letters a few levels off (low contrast), one-pixel
 * line pairs at the centre and corners (resolution), and grey ramps (banding).
 */
export function drawTestPattern(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
): void {
  ctx.fillStyle = grey(128);
  ctx.fillRect(0, 0, width, height);

  // Grid and border.
  ctx.strokeStyle = grey(192);
  ctx.lineWidth = 1;
  for (let i = 0; i <= 10; i++) {
    const x = Math.min(width - 0.5, Math.round((i * width) / 10) + 0.5);
    const y = Math.min(height - 0.5, Math.round((i * height) / 10) + 0.5);
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height);
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
    ctx.stroke();
  }
  ctx.strokeStyle = grey(255);
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);

  // 18 luminance squares in a row across the middle band, each with ±1 corner targets.
  const size = Math.floor(Math.min(width / (TG18_LN_LEVELS + 2), height / 8));
  const rowY = Math.round(height * 0.3);
  const rowX = Math.round((width - size * TG18_LN_LEVELS) / 2);
  const target = Math.max(2, Math.round(size / 6));
  for (let i = 0; i < TG18_LN_LEVELS; i++) {
    const level = tg18LnDdl(i);
    const x = rowX + i * size;
    ctx.fillStyle = grey(level);
    ctx.fillRect(x, rowY, size, size);
    ctx.fillStyle = grey(level + 1);
    ctx.fillRect(x + 2, rowY + 2, target, target);
    ctx.fillStyle = grey(level - 1);
    ctx.fillRect(x + size - 2 - target, rowY + size - 2 - target, target, target);
  }

  // 0/5 % and 95/100 % patches.
  const patch = size * 2;
  const patchY = Math.round(height * 0.55);
  ctx.fillStyle = grey(0);
  ctx.fillRect(Math.round(width * 0.2), patchY, patch, patch);
  ctx.fillStyle = grey(13);
  ctx.fillRect(Math.round(width * 0.2) + patch / 4, patchY + patch / 4, patch / 2, patch / 2);
  ctx.fillStyle = grey(255);
  ctx.fillRect(Math.round(width * 0.8) - patch, patchY, patch, patch);
  ctx.fillStyle = grey(242);
  ctx.fillRect(
    Math.round(width * 0.8) - patch + patch / 4,
    patchY + patch / 4,
    patch / 2,
    patch / 2,
  );

  // "QUALITY CONTROL" on dark, mid and light backgrounds, letters a few levels off.
  const textY = Math.round(height * 0.82);
  const boxW = Math.round(width / 4);
  const boxH = Math.round(size * 1.2);
  ctx.font = `${Math.round(boxH * 0.6)}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  [
    [0, 4],
    [128, 124],
    [255, 251],
  ].forEach(([bg, fg], i) => {
    const x = Math.round(width / 8 + i * (width / 4 + width / 16));
    ctx.fillStyle = grey(bg ?? 0);
    ctx.fillRect(x, textY, boxW, boxH);
    ctx.fillStyle = grey(fg ?? 0);
    ctx.fillText('QUALITY CONTROL', x + boxW / 2, textY + boxH / 2);
  });

  // One-pixel line pairs at the centre and the four corners.
  const pairs = Math.max(16, Math.round(size / 2));
  const linePairs = (cx: number, cy: number) => {
    for (let k = 0; k < pairs; k += 2) {
      ctx.fillStyle = grey(255);
      ctx.fillRect(cx + k, cy, 1, pairs);
      ctx.fillRect(cx + pairs + 4, cy + k, pairs, 1);
      ctx.fillStyle = grey(0);
      ctx.fillRect(cx + k + 1, cy, 1, pairs);
      ctx.fillRect(cx + pairs + 4, cy + k + 1, pairs, 1);
    }
  };
  const m = Math.round(Math.min(width, height) * 0.03);
  linePairs(Math.round(width / 2 - pairs), Math.round(height / 2 - pairs / 2));
  linePairs(m, m);
  linePairs(width - m - 2 * pairs - 4, m);
  linePairs(m, height - m - pairs);
  linePairs(width - m - 2 * pairs - 4, height - m - pairs);

  // Grey ramps, top and bottom of the middle band.
  const rampX = Math.round(width * 0.1);
  const rampW = Math.round(width * 0.8);
  const rampH = Math.max(8, Math.round(size / 3));
  for (const [y, reverse] of [
    [Math.round(height * 0.2), false],
    [Math.round(height * 0.45), true],
  ] as const) {
    for (let x = 0; x < rampW; x++) {
      const t = x / (rampW - 1);
      ctx.fillStyle = grey(255 * (reverse ? 1 - t : t));
      ctx.fillRect(rampX + x, y, 1, rampH);
    }
  }
}
