import { describe, expect, it } from 'vitest';
import { orientationLabels } from './orientation.ts';

describe('orientation markers', () => {
  it('labels an axial image as radiologists read it: patient right on the screen left, anterior up', () => {
    expect(orientationLabels([0, -1, 0], [0, 0, -1])).toEqual({
      top: 'A',
      bottom: 'P',
      left: 'R',
      right: 'L',
    });
  });

  it('labels a coronal image: head up, patient right on the screen left', () => {
    expect(orientationLabels([0, 0, 1], [0, -1, 0])).toEqual({
      top: 'H',
      bottom: 'F',
      left: 'R',
      right: 'L',
    });
  });
});
