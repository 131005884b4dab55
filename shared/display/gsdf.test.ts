import { describe, expect, it } from 'vitest';
import { gsdfJndIndex, gsdfLuminance } from './gsdf.ts';

/** Relative difference. */
const rel = (actual: number, expected: number) => Math.abs(actual - expected) / expected;

describe('the DICOM Grayscale Standard Display Function (PS3.14)', () => {
  it('gives the luminances of Table B-1 at its ends and first steps', () => {
    // Table B-1: j = 1 → 0.0500, j = 2 → 0.0547, j = 1023 → 3993.4 cd/m²; the GSDF spans
    // 0.05 to about 4000 cd/m².
    expect(gsdfLuminance(1)).toBeCloseTo(0.05, 4);
    expect(gsdfLuminance(2)).toBeCloseTo(0.0547, 4);
    expect(rel(gsdfLuminance(1023), 3993.4)).toBeLessThan(1e-4);
    expect(rel(gsdfLuminance(1023), 4000)).toBeLessThan(0.003);
  });

  it("agrees with the standard's separately published inverse j(L) across the range", () => {
    // The two fits are independent polynomials; a wrong coefficient in either breaks this.
    for (const j of [1.5, 10, 50, 100, 250, 400, 512, 700, 850, 1000]) {
      expect(Math.abs(gsdfJndIndex(gsdfLuminance(j)) - j)).toBeLessThan(0.15);
    }
  });

  it('rises steadily: each JND is a small relative step, larger in the dark', () => {
    let previous = gsdfLuminance(1);
    const relativeSteps: number[] = [];
    for (let j = 2; j <= 1023; j++) {
      const l = gsdfLuminance(j);
      expect(l).toBeGreaterThan(previous);
      relativeSteps.push((l - previous) / previous);
      previous = l;
    }
    expect(relativeSteps[0]).toBeGreaterThan(relativeSteps.at(-1) ?? Infinity);
    expect(Math.max(...relativeSteps)).toBeLessThan(0.1);
  });

  it('refuses indices and luminances outside its domain', () => {
    expect(() => gsdfLuminance(0)).toThrow(RangeError);
    expect(() => gsdfLuminance(1024)).toThrow(RangeError);
    expect(() => gsdfJndIndex(0)).toThrow(RangeError);
  });
});
