import { afterEach, describe, expect, it } from 'vitest';
import {
  clearLayout,
  getLayout,
  layoutCaseId,
  linkAll,
  normaliseLayout,
  placeSeries,
  regrid,
  setLayout,
  subscribeLayout,
  type ViewerLayout,
  type ViewportSpec,
} from './layout-model.ts';

const spec = (n: number): ViewportSpec => ({
  studyInstanceUid: '1.2',
  seriesInstanceUid: `1.2.${n}`,
});
const one: ViewerLayout = { rows: 1, columns: 1, viewports: [spec(1)], syncGroups: [] };

afterEach(() => clearLayout());

describe('viewer layout', () => {
  it('keeps the layout set for a case and tells subscribers', () => {
    let calls = 0;
    const stop = subscribeLayout(() => calls++);
    setLayout(one, 'case-1');
    expect(getLayout()).toEqual(one);
    expect(layoutCaseId()).toBe('case-1');
    clearLayout();
    expect(getLayout()).toBeNull();
    stop();
    expect(calls).toBe(2);
  });

  it('fits the slots to the grid: pads with empty slots, cuts extras, clamps the grid to 1..4', () => {
    const padded = normaliseLayout({ ...one, rows: 2, columns: 2 });
    expect(padded.viewports).toEqual([spec(1), null, null, null]);
    const cut = normaliseLayout({
      rows: 1,
      columns: 2,
      viewports: [spec(1), spec(2), spec(3)],
      syncGroups: [{ id: 'g', kinds: ['slice'], viewportIndexes: [0, 2] }],
    });
    expect(cut.viewports).toEqual([spec(1), spec(2)]);
    expect(cut.syncGroups[0]?.viewportIndexes).toEqual([0]);
    const big = normaliseLayout({ ...one, rows: 9, columns: 0 });
    expect([big.rows, big.columns]).toEqual([4, 1]);
  });

  it('regrids keeping what is shown in reading order and filling new slots with unseen series', () => {
    const two = regrid(one, 1, 2, [spec(1), spec(2), spec(3)]);
    expect(two.viewports).toEqual([spec(1), spec(2)]);
    const three = regrid({ ...two, viewports: [null, spec(3)] }, 1, 3, [spec(1), spec(2), spec(3)]);
    expect(three.viewports).toEqual([spec(3), spec(1), spec(2)]);
    expect(regrid(three, 1, 1).viewports).toEqual([spec(3)]);
  });

  it('places a series in one slot and links every shown slot', () => {
    const l = placeSeries(normaliseLayout({ ...one, rows: 1, columns: 3 }), 2, spec(7));
    expect(l.viewports).toEqual([spec(1), null, spec(7)]);
    expect(placeSeries(l, 5, spec(8))).toBe(l);
    expect(linkAll(l)).toEqual({
      id: 'linked',
      kinds: ['slice', 'zoompan'],
      viewportIndexes: [0, 2],
    });
  });
});
