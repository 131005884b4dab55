import { describe, expect, it } from 'vitest';
import { scaleBarFor } from './scale-bar.ts';

describe('scale bar', () => {
  it('shows the longest round length that fits in half the viewport, at its screen length', () => {
    // a 350 mm field of view across 500 pixels: 0.7 mm per pixel, half the width is 175 mm
    const bar = scaleBarFor(0.7, 500);
    expect(bar).toEqual({ mm: 100, px: 100 / 0.7, text: '10 cm' });
    // zoomed in 10×: 17.5 mm half-width
    expect(scaleBarFor(0.07, 500)).toMatchObject({ mm: 10, text: '1 cm' });
    expect(scaleBarFor(0.01, 500)).toMatchObject({ mm: 2, text: '2 mm' });
  });

  it('shows none without a usable scale', () => {
    expect(scaleBarFor(0, 500)).toBeNull();
    expect(scaleBarFor(Number.NaN, 500)).toBeNull();
    expect(scaleBarFor(0.0001, 500)).toBeNull();
  });
});
