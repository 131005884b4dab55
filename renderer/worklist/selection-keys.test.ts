import { describe, expect, it } from 'vitest';
import { moveSelection } from './selection-keys.ts';

describe('moving the worklist selection with the keyboard', () => {
  it('steps one row with the arrows and stops at either end', () => {
    expect(moveSelection('ArrowDown', 4, 10_000, 12)).toBe(5);
    expect(moveSelection('ArrowUp', 4, 10_000, 12)).toBe(3);
    expect(moveSelection('ArrowUp', 0, 10_000, 12)).toBe(0);
    expect(moveSelection('ArrowDown', 9_999, 10_000, 12)).toBe(9_999);
  });

  it('moves a screenful with PageDown and PageUp, never past the list', () => {
    expect(moveSelection('PageDown', 0, 10_000, 12)).toBe(12);
    expect(moveSelection('PageUp', 30, 10_000, 12)).toBe(18);
    expect(moveSelection('PageDown', 9_995, 10_000, 12)).toBe(9_999);
    expect(moveSelection('PageUp', 5, 10_000, 12)).toBe(0);
    // a screen too small to hold a row still moves by one
    expect(moveSelection('PageDown', 3, 10, 0)).toBe(4);
  });

  it('jumps to the first and the last row with Home and End', () => {
    expect(moveSelection('Home', 5_000, 10_000, 12)).toBe(0);
    expect(moveSelection('End', 0, 10_000, 12)).toBe(9_999);
    expect(moveSelection('End', 0, 7, 12)).toBe(6);
  });

  it('leaves other keys and an empty list alone', () => {
    expect(moveSelection('Enter', 3, 10, 12)).toBeUndefined();
    expect(moveSelection('a', 3, 10, 12)).toBeUndefined();
    expect(moveSelection('ArrowDown', 0, 0, 12)).toBeUndefined();
  });

  it('brings a selection left beyond a shortened list back onto it', () => {
    expect(moveSelection('ArrowUp', 50, 7, 12)).toBe(5);
    expect(moveSelection('ArrowDown', 50, 7, 12)).toBe(6);
  });
});
