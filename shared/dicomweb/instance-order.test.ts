import { describe, expect, it } from 'vitest';
import { slicePosition, sortInstancesForDisplay } from './instance-order.ts';

const axial = [1, 0, 0, 0, 1, 0];

describe('sortInstancesForDisplay', () => {
  it('orders by InstanceNumber whatever order the server listed them in', () => {
    const sorted = sortInstancesForDisplay([
      { sopInstanceUid: '1.3', instanceNumber: 3 },
      { sopInstanceUid: '1.1', instanceNumber: 1 },
      { sopInstanceUid: '1.2', instanceNumber: 2 },
    ]);
    expect(sorted.map((i) => i.instanceNumber)).toEqual([1, 2, 3]);
  });

  it('falls back to the position along the slice normal when instance numbers are missing or equal', () => {
    const sorted = sortInstancesForDisplay([
      {
        sopInstanceUid: 'a',
        instanceNumber: 1,
        imagePositionPatient: [0, 0, 10],
        imageOrientationPatient: axial,
      },
      {
        sopInstanceUid: 'b',
        instanceNumber: 1,
        imagePositionPatient: [0, 0, -5],
        imageOrientationPatient: axial,
      },
      { sopInstanceUid: 'c', imagePositionPatient: [0, 0, 0], imageOrientationPatient: axial },
      { sopInstanceUid: 'd', imagePositionPatient: [0, 0, -20], imageOrientationPatient: axial },
    ]);
    expect(sorted.map((i) => i.sopInstanceUid)).toEqual(['b', 'a', 'd', 'c']);
  });

  it('keeps a stable order by UID when nothing else tells them apart', () => {
    const sorted = sortInstancesForDisplay([
      { sopInstanceUid: '1.10' },
      { sopInstanceUid: '1.09' },
    ]);
    expect(sorted.map((i) => i.sopInstanceUid)).toEqual(['1.09', '1.10']);
  });
});

describe('slicePosition', () => {
  it('projects the position on the normal of a sagittal plane', () => {
    expect(
      slicePosition({
        sopInstanceUid: 'x',
        imagePositionPatient: [12, 3, 4],
        imageOrientationPatient: [0, 1, 0, 0, 0, -1],
      }),
    ).toBe(-12);
  });

  it('is undefined without orientation', () => {
    expect(slicePosition({ sopInstanceUid: 'x', imagePositionPatient: [1, 2, 3] })).toBeUndefined();
  });
});
