import { describe, expect, it } from 'vitest';
import { SYNC_WINDOW_BLOCK, syncWindow } from './sync-window.ts';

describe('which rows have their sync progress watched', () => {
  it('watches whole blocks around the rendered rows and the block below them', () => {
    expect(SYNC_WINDOW_BLOCK).toBe(50);
    expect(syncWindow(0, 24, 10_000)).toEqual([0, 100]);
    expect(syncWindow(60, 90, 10_000)).toEqual([50, 150]);
    expect(syncWindow(95, 120, 10_000)).toEqual([50, 200]);
  });

  it('keeps the same window while the screen moves within a block', () => {
    expect(syncWindow(51, 70, 10_000)).toEqual(syncWindow(55, 80, 10_000));
  });

  it('never goes past the list, and watches nothing in an empty one', () => {
    expect(syncWindow(0, 6, 7)).toEqual([0, 7]);
    expect(syncWindow(9_980, 9_999, 10_000)).toEqual([9_950, 10_000]);
    expect(syncWindow(0, -1, 0)).toEqual([0, 0]);
  });
});
