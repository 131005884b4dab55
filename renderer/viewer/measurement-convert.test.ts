import { describe, expect, it } from 'vitest';
import { Measurement } from '../../shared/domain/measurement.ts';
import {
  formatValues,
  parseTandemImageId,
  toAnnotation,
  toMeasurement,
  type AnnotationLike,
} from './measurement-convert.ts';

const SOP = '1.2.826.0.1.3680043.8.498.1';
const imageIds = [`tandem:${SOP}.0`, `tandem:${SOP}`, `tandem:${SOP}.2`];
const ctx = {
  caseId: 'case-1',
  studyInstanceUid: '1.2.3',
  seriesInstanceUid: '1.2.3.4',
  imageIds,
  now: 1_000,
};

function annotation(
  toolName: string,
  stats: Record<string, unknown>,
  points: number[][],
): AnnotationLike {
  return {
    annotationUID: 'a-1',
    metadata: { toolName, referencedImageId: `tandem:${SOP}` },
    data: {
      handles: { points },
      cachedStats: { [`imageId:tandem:${SOP}`]: stats },
      label: 'nodule',
    },
  };
}

describe('Cornerstone annotation → Measurement', () => {
  it('turns an ellipse ROI on CT into area in mm² and mean/SD in Hounsfield units', () => {
    const m = toMeasurement(
      annotation(
        'EllipticalROI',
        {
          area: 706.9,
          mean: 100.2,
          stdDev: 1.5,
          min: 95,
          max: 104,
          areaUnit: 'mm²',
          modalityUnit: 'HU',
        },
        [
          [0, 0, 0],
          [10, 0, 0],
          [0, 5, 0],
          [0, -5, 0],
        ],
      ),
      ctx,
    );
    expect(() => Measurement.parse(m)).not.toThrow();
    expect(m).toMatchObject({
      kind: 'ellipse',
      label: 'nodule',
      sopInstanceUid: SOP,
      frameIndex: 0,
      imageIndex: 1,
      createdAt: 1_000,
    });
    expect(m?.values).toEqual([
      { name: 'area', value: 706.9, unit: 'mm2' },
      { name: 'mean', value: 100.2, unit: "[hnsf'U]" },
      { name: 'sd', value: 1.5, unit: "[hnsf'U]" },
      { name: 'min', value: 95, unit: "[hnsf'U]" },
      { name: 'max', value: 104, unit: "[hnsf'U]" },
    ]);
    expect(formatValues(m?.values ?? [])).toBe('area 707 mm², mean 100 HU, sd 1.5 HU');
  });

  it('gives a length in mm, from the points when the tool has not computed it yet', () => {
    const computed = toMeasurement(
      annotation('Length', { length: 30.1, unit: 'mm' }, [
        [0, 0, 0],
        [30, 0, 0],
      ]),
      ctx,
    );
    expect(computed?.values).toEqual([{ name: 'length', value: 30.1, unit: 'mm' }]);
    const fresh = toMeasurement(
      annotation('Length', {}, [
        [0, 0, 0],
        [3, 4, 0],
      ]),
      ctx,
    );
    expect(fresh?.values).toEqual([{ name: 'length', value: 5, unit: 'mm' }]);
  });

  it('keeps bidirectional axes, angles, probe values and the arrow text', () => {
    expect(
      toMeasurement(annotation('Bidirectional', { length: 10, width: 6, unit: 'mm' }, []), ctx)
        ?.values,
    ).toEqual([
      { name: 'long-axis', value: 10, unit: 'mm' },
      { name: 'short-axis', value: 6, unit: 'mm' },
    ]);
    expect(toMeasurement(annotation('CobbAngle', { angle: 23.5 }, []), ctx)?.values).toEqual([
      { name: 'angle', value: 23.5, unit: 'deg' },
    ]);
    expect(
      toMeasurement(annotation('Probe', { value: 41, modalityUnit: 'HU' }, []), ctx)?.values,
    ).toEqual([{ name: 'value', value: 41, unit: "[hnsf'U]" }]);
    const arrow = annotation('ArrowAnnotate', {}, [
      [0, 0, 0],
      [1, 1, 0],
    ]);
    arrow.data.text = 'see here';
    expect(toMeasurement(arrow, ctx)).toMatchObject({
      kind: 'arrow',
      label: 'see here',
      values: [],
    });
  });

  it('ignores tools that are not measurements, and keeps createdAt when updated', () => {
    expect(toMeasurement(annotation('Crosshairs', {}, []), ctx)).toBeNull();
    const first = toMeasurement(
      annotation('Length', { length: 1, unit: 'mm' }, [
        [0, 0, 0],
        [1, 0, 0],
      ]),
      ctx,
    );
    const later = toMeasurement(
      annotation('Length', { length: 2, unit: 'mm' }, [
        [0, 0, 0],
        [2, 0, 0],
      ]),
      {
        ...ctx,
        now: 5_000,
        previous: first ?? undefined,
      },
    );
    expect(later).toMatchObject({ createdAt: 1_000, updatedAt: 5_000 });
  });

  it('reads the SOP instance and zero-based frame of a tandem image id', () => {
    expect(parseTandemImageId(`tandem:${SOP}`)).toEqual({ sopInstanceUid: SOP, frameIndex: 0 });
    expect(parseTandemImageId(`tandem:${SOP}&frame=3`)).toEqual({
      sopInstanceUid: SOP,
      frameIndex: 2,
    });
  });

  it('restores an annotation with the same id, tool, points and label, to be recomputed on render', () => {
    const m = toMeasurement(
      annotation('CircleROI', { area: 1 }, [
        [1, 2, 3],
        [4, 5, 6],
      ]),
      ctx,
    );
    if (!m) throw new Error('no measurement');
    const a = toAnnotation(m, {
      referencedImageId: `tandem:${SOP}`,
      frameOfReferenceUID: '1.9',
      viewPlaneNormal: [0, 0, -1],
      viewUp: [0, -1, 0],
    });
    expect(a).toMatchObject({
      annotationUID: 'a-1',
      invalidated: true,
      metadata: {
        toolName: 'CircleROI',
        FrameOfReferenceUID: '1.9',
        referencedImageId: `tandem:${SOP}`,
      },
      data: {
        label: 'nodule',
        handles: {
          points: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      },
    });
  });
});
