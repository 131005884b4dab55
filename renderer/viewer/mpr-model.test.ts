import { describe, expect, it } from 'vitest';
import type { ViewerLayout, ViewportSpec } from './layout-model.ts';
import {
  canReformat,
  isMprLayout,
  linkableGroups,
  mprLayout,
  nextSlab,
  slabText,
} from './mpr-model.ts';

const lung: ViewportSpec = {
  studyInstanceUid: '1.2',
  seriesInstanceUid: '1.2.3',
  voiPreset: 'Lung',
  label: 'prior',
  flipHorizontal: true,
};

describe('MPR layouts', () => {
  it('reformats one series axial, sagittal and coronal in a 1×3, keeping its window', () => {
    const layout = mprLayout(lung);
    expect(layout.rows).toBe(1);
    expect(layout.columns).toBe(3);
    expect(layout.viewports.map((v) => v?.orientation)).toEqual(['axial', 'sagittal', 'coronal']);
    for (const v of layout.viewports) {
      expect(v).toMatchObject({ seriesInstanceUid: '1.2.3', voiPreset: 'Lung' });
      expect(v?.flipHorizontal).toBeUndefined();
    }
    expect(layout.syncGroups).toEqual([
      { id: 'mpr-voi', kinds: ['voi'], viewportIndexes: [0, 1, 2] },
    ]);
    expect(isMprLayout(layout)).toBe(true);
    expect(isMprLayout({ rows: 1, columns: 1, viewports: [lung], syncGroups: [] })).toBe(false);
  });

  it('offers MPR for CT series with enough images only', () => {
    expect(canReformat({ modality: 'CT', numberOfInstances: 320 })).toBe(true);
    expect(canReformat({ modality: 'CT', numberOfInstances: 2 })).toBe(false);
    expect(canReformat({ modality: 'CR', numberOfInstances: 1 })).toBe(false);
    expect(canReformat({ modality: 'MG', numberOfInstances: 40 })).toBe(false);
  });

  it('steps the MIP slab through 5, 10 and 20 mm, then back to a thin slice', () => {
    const seen: number[] = [];
    let mm = 0;
    for (let i = 0; i < 4; i++) seen.push((mm = nextSlab(mm)));
    expect(seen).toEqual([5, 10, 20, 0]);
    // a slab set otherwise (the crosshairs' handles) steps to the next thicker one
    expect(nextSlab(7)).toBe(10);
    expect(slabText(10)).toBe('MIP 10 mm');
    expect(slabText(0)).toBe('');
  });

  it('links slice and zoom across stacks only, and the window across everything', () => {
    const mixed: ViewerLayout = {
      rows: 2,
      columns: 2,
      viewports: [
        { ...lung, orientation: 'stack' },
        { ...lung, seriesInstanceUid: '1.2.4' },
        { ...lung, orientation: 'sagittal' },
        null,
      ],
      syncGroups: [],
    };
    const groups = linkableGroups(
      [{ id: 'g', kinds: ['slice', 'zoompan', 'voi'], viewportIndexes: [0, 1, 2] }],
      mixed,
    );
    expect(groups).toEqual([
      { id: 'g', kinds: ['slice', 'zoompan'], viewportIndexes: [0, 1] },
      { id: 'g-voi', kinds: ['voi'], viewportIndexes: [0, 1, 2] },
    ]);
    const mpr = mprLayout(lung);
    expect(linkableGroups(mpr.syncGroups, mpr)).toEqual(mpr.syncGroups);
    expect(
      linkableGroups([{ id: 'all', kinds: ['slice', 'zoompan'], viewportIndexes: [0, 1, 2] }], mpr),
    ).toEqual([]);
  });
});
