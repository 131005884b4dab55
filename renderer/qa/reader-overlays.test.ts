import { describe, expect, it } from 'vitest';
import type { QaRead } from '../../shared/api/contract.ts';
import type { SeriesSummary } from '../../shared/domain/case.ts';
import { measurement } from '../../shared/report/test-support/report-fixtures.ts';
import {
  overlayAnnotationUid,
  READER_COLOURS,
  readerOverlays,
  readerStyle,
  seriesToShow,
} from './reader-overlays.ts';

const read = (author: string, measurements: QaRead['measurements']): QaRead => ({
  reportId: `r-${author}`,
  authorDisplayName: author,
  signedAt: '2026-12-01T10:00:00.000Z',
  text: 'report',
  measurements,
});

const series = (uid: string, n: number | null): SeriesSummary => ({
  seriesInstanceUid: uid,
  seriesNumber: n,
  modality: 'CT',
  description: '',
  numberOfInstances: 10,
});

describe('both readers over the images', () => {
  it("draws each reader's measurements in a colour of their own, named in the legend", () => {
    const first = read('Dr. First', [measurement({ annotationId: 'a1' })]);
    const second = read('Dr. Second', [
      measurement({ annotationId: 'a1' }),
      measurement({ annotationId: 'b2' }),
    ]);
    const overlays = readerOverlays({ first, second });
    expect(overlays.map((o) => [o.reader, o.title, o.measurements.length])).toEqual([
      ['first', 'First read · Dr. First', 1],
      ['second', 'Second read · Dr. Second', 2],
    ]);
    expect(overlays[0]!.colour).not.toBe(overlays[1]!.colour);
    expect(Object.values(readerStyle(READER_COLOURS.second))).toEqual(
      expect.arrayContaining([READER_COLOURS.second]),
    );
    expect(new Set(Object.values(readerStyle(READER_COLOURS.first)))).toEqual(
      new Set([READER_COLOURS.first]),
    );
    // the same annotation id in both reads stays two marks
    expect(overlayAnnotationUid('first', 'a1')).not.toBe(overlayAnnotationUid('second', 'a1'));
    // a peer-review sample has one read
    expect(readerOverlays({ first, second: null })).toHaveLength(1);
  });

  it('shows the series holding most measurements, else the first series by number', () => {
    const all = [series('s3', 3), series('s1', 1), series('s2', 2)];
    expect(seriesToShow([], all)?.seriesInstanceUid).toBe('s1');
    const overlays = readerOverlays({
      first: read('A', [measurement({ annotationId: 'x', seriesInstanceUid: 's3' })]),
      second: read('B', [
        measurement({ annotationId: 'y', seriesInstanceUid: 's2' }),
        measurement({ annotationId: 'z', seriesInstanceUid: 's2' }),
      ]),
    });
    expect(seriesToShow(overlays, all)?.seriesInstanceUid).toBe('s2');
    expect(seriesToShow(overlays, [])).toBe(null);
  });
});
