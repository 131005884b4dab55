import { describe, expect, it } from 'vitest';
import type { Measurement } from '../domain/measurement.ts';
import { compareMeasurements, describeChange } from './compare-measurements.ts';

let n = 0;
function length(
  study: 'current' | 'prior',
  mm: number,
  centre: [number, number, number],
  kind: Measurement['kind'] = 'length',
): Measurement {
  n += 1;
  const [x, y, z] = centre;
  return {
    annotationId: `a${n}`,
    caseId: 'case-ct-chest-nodule-followup',
    kind,
    label: '',
    studyInstanceUid: study === 'current' ? '2.25.1' : '2.25.2',
    seriesInstanceUid: '2.25.3',
    sopInstanceUid: '2.25.4',
    frameIndex: 0,
    imageIndex: 0,
    values: [{ name: kind === 'bidirectional' ? 'long-axis' : 'length', value: mm, unit: 'mm' }],
    points: [
      [x - mm / 2, y, z],
      [x + mm / 2, y, z],
    ],
    createdAt: n,
    updatedAt: n,
  };
}

// The demo nodule (scripts/demo-data/phantom-facts.ts): right upper lobe at (-78, -32, -115),
// 6 mm on the prior of 2025-09-18, 10 mm on the current of 2026-11-23.
const NODULE: [number, number, number] = [-78, -32, -115];
const DATES = { currentStudyDate: '2026-11-23', priorStudyDate: '2025-09-18' };

describe('comparing measurements with the prior', () => {
  it('pairs the nodule measured on both and gives the change, absolute, in percent and the interval', () => {
    const current = length('current', 10, NODULE);
    const prior = length('prior', 6, [NODULE[0] + 1, NODULE[1] - 1, NODULE[2] + 1.5]);
    const [change, ...rest] = compareMeasurements([current], [prior], DATES);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({
      quantity: 'length',
      unit: 'mm',
      absolute: 4,
      interval: '14 months earlier',
    });
    expect(change!.percent).toBeCloseTo(66.67, 1);
    expect(describeChange(change!)).toBe(
      '10.0 mm (prior 6.0 mm): +4.0 mm, +66.7 %, prior 14 months earlier',
    );
  });

  it('pairs each with its nearest of the same kind, and leaves far or different ones unpaired', () => {
    const upper = length('current', 10, NODULE);
    const lower = length('current', 5, [85, 30, -150]);
    const priorLower = length('prior', 5, [84, 31, -151]);
    const priorUpper = length('prior', 6, NODULE);
    const farAway = length('prior', 7, [0, 0, 0]);
    const otherKind = length('prior', 9, NODULE, 'bidirectional');
    const changes = compareMeasurements(
      [upper, lower],
      [farAway, otherKind, priorLower, priorUpper],
      DATES,
    );
    expect(changes.map((c) => [c.current.annotationId, c.prior.annotationId])).toEqual([
      [upper.annotationId, priorUpper.annotationId],
      [lower.annotationId, priorLower.annotationId],
    ]);
    expect(describeChange(changes[1]!)).toBe(
      '5.0 mm (prior 5.0 mm): ±0.0 mm, ±0.0 %, prior 14 months earlier',
    );
  });

  it('registers the prior by table position before comparing positions', () => {
    const current = length('current', 10, NODULE);
    // The prior was scanned with the table 40 mm further in: the same nodule at z − 40.
    const prior = length('prior', 6, [NODULE[0], NODULE[1], NODULE[2] - 40]);
    expect(compareMeasurements([current], [prior], DATES)).toEqual([]);
    const [change] = compareMeasurements([current], [prior], {
      ...DATES,
      priorToCurrentMm: [0, 0, 40],
    });
    expect(change?.distanceMm).toBeCloseTo(0, 6);
  });
});
