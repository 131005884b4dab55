import { describe, expect, it } from 'vitest';
import { frameLabel, projectionLabel } from './image-labels.ts';

describe('image labels', () => {
  it('names a mammogram by laterality and view', () => {
    expect(projectionLabel({ laterality: 'L', viewPosition: 'CC' })).toBe('L CC');
    expect(projectionLabel({ laterality: 'R ', viewPosition: 'mlo' })).toBe('R MLO');
    expect(projectionLabel({ viewPosition: 'PA' })).toBe('PA');
    expect(projectionLabel({ laterality: 'X' })).toBe('');
    expect(projectionLabel({})).toBe('');
  });

  it('numbers the frames of a multi-frame instance from 1, and says nothing for one frame', () => {
    expect(frameLabel('tandem:1.2.3&frame=3', 24)).toBe('Fr 3/24');
    expect(frameLabel('tandem:1.2.3&frame=1', 24)).toBe('Fr 1/24');
    expect(frameLabel('tandem:1.2.3', 1)).toBe('');
    expect(frameLabel('tandem:1.2.3', undefined)).toBe('');
  });
});
