import { z } from 'zod';

/** What the shell reports of a display (Electron's `screen`, or the browser's `screen`). */
export const DisplayInfo = z.object({
  id: z.string(),
  label: z.string(),
  /** physical pixels */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  scaleFactor: z.number().positive(),
  colorDepth: z.number().int().positive(),
});
export type DisplayInfo = z.infer<typeof DisplayInfo>;

/**
 * The smallest display each kind of reading needs (ACR–AAPM–SIIM technical standard for
 * electronic practice of medical imaging, and common practice): mammography 5 MP
 * (2048 × 2560), chest radiography 3 MP (1536 × 2048), CT/MR and other cross-sectional
 * imaging 1 MP (1024 × 1280 at least); 8 bits of grey (24-bit colour) at least.
 */
export const MODALITY_NEEDS = {
  MG: { label: 'mammography', megapixels: 5, shortSide: 2048, longSide: 2560 },
  CR: { label: 'radiography', megapixels: 3, shortSide: 1536, longSide: 2048 },
  DX: { label: 'radiography', megapixels: 3, shortSide: 1536, longSide: 2048 },
  CT: { label: 'CT', megapixels: 1, shortSide: 1024, longSide: 1280 },
  MR: { label: 'MR', megapixels: 1, shortSide: 1024, longSide: 1280 },
} as const;
export type NeedModality = keyof typeof MODALITY_NEEDS;

export const MIN_COLOR_DEPTH = 24;

/** Warnings for a display, each a sentence; empty when it meets what every listed modality needs. */
export function displayWarnings(
  display: DisplayInfo,
  modalities: readonly NeedModality[] = ['MG', 'CR', 'CT', 'MR'],
): string[] {
  const warnings: string[] = [];
  const shortSide = Math.min(display.width, display.height);
  const longSide = Math.max(display.width, display.height);
  const megapixels = (display.width * display.height) / 1_000_000;
  const reported = new Set<string>();
  for (const modality of modalities) {
    const need = MODALITY_NEEDS[modality];
    if (reported.has(need.label)) continue;
    if (shortSide < need.shortSide || longSide < need.longSide) {
      reported.add(need.label);
      warnings.push(
        `${display.label} (${display.width} × ${display.height}, ${megapixels.toFixed(1)} MP) is below the ${need.megapixels} MP (${need.shortSide} × ${need.longSide}) that ${need.label} reading needs.`,
      );
    }
  }
  if (display.colorDepth < MIN_COLOR_DEPTH) {
    warnings.push(
      `${display.label} shows ${display.colorDepth}-bit colour; at least ${MIN_COLOR_DEPTH}-bit (8 bits of grey) is needed.`,
    );
  }
  return warnings;
}

/** A QA record is due this many days after the last one (TG18: monthly-to-quarterly checks; sites set their own). */
export const QA_INTERVAL_DAYS = 90;

export function isQaOverdue(
  lastTestedAt: string | undefined,
  now: number,
  intervalDays = QA_INTERVAL_DAYS,
): boolean {
  if (lastTestedAt === undefined) return true;
  return now - Date.parse(lastTestedAt) > intervalDays * 86_400_000;
}
