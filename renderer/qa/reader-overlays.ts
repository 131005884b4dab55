import type { QaItemDetail } from '../../shared/api/contract.ts';
import type { SeriesSummary } from '../../shared/domain/case.ts';
import type { Measurement } from '../../shared/domain/measurement.ts';

/**
 * Both reads of a QA item over the images: each reader's measurements in a colour of their own
 * (set per annotation as Cornerstone's annotation style), named in a legend. Orange and blue stay
 * apart for readers with red-green colour blindness too. Pure: no DOM, no Cornerstone.
 */

export type Reader = 'first' | 'second';

export const READER_COLOURS: Record<Reader, string> = {
  first: 'rgb(255, 160, 0)',
  second: 'rgb(0, 170, 255)',
};

export interface ReaderOverlay {
  reader: Reader;
  title: string;
  colour: string;
  measurements: Measurement[];
}

export function readerOverlays(detail: Pick<QaItemDetail, 'first' | 'second'>): ReaderOverlay[] {
  const out: ReaderOverlay[] = [
    {
      reader: 'first',
      title: `First read · ${detail.first.authorDisplayName}`,
      colour: READER_COLOURS.first,
      measurements: detail.first.measurements,
    },
  ];
  if (detail.second) {
    out.push({
      reader: 'second',
      title: `Second read · ${detail.second.authorDisplayName}`,
      colour: READER_COLOURS.second,
      measurements: detail.second.measurements,
    });
  }
  return out;
}

/** The annotation id of a reader's measurement on screen: two readers' ids never collide. */
export function overlayAnnotationUid(reader: Reader, annotationId: string): string {
  return `qa-${reader}-${annotationId}`;
}

/** Cornerstone annotation style drawing one reader's marks in their colour, in every state. */
export function readerStyle(colour: string): Record<string, string> {
  return {
    color: colour,
    colorHighlighted: colour,
    colorSelected: colour,
    colorLocked: colour,
    textBoxColor: colour,
    textBoxColorHighlighted: colour,
    textBoxColorSelected: colour,
    textBoxColorLocked: colour,
    textBoxLinkLineColor: colour,
  };
}

/**
 * The series to show: the one holding most of both readers' measurements, else the study's
 * first by series number. Null for a study without series.
 */
export function seriesToShow(
  overlays: readonly ReaderOverlay[],
  series: readonly SeriesSummary[],
): SeriesSummary | null {
  const count = new Map<string, number>();
  for (const o of overlays)
    for (const m of o.measurements)
      count.set(m.seriesInstanceUid, (count.get(m.seriesInstanceUid) ?? 0) + 1);
  const ordered = [...series].sort(
    (a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity),
  );
  let best: SeriesSummary | null = ordered[0] ?? null;
  for (const s of ordered) {
    if ((count.get(s.seriesInstanceUid) ?? 0) > (count.get(best?.seriesInstanceUid ?? '') ?? 0))
      best = s;
  }
  return best;
}
