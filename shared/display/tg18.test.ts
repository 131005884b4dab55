import { describe, expect, it } from 'vitest';
import { evaluateTg18Ln, gsdfConformingReadings, tg18LnDdl } from './tg18.ts';
import { displayWarnings, isQaOverdue } from './display-requirements.ts';

describe('TG18-LN luminance response against the GSDF', () => {
  it('uses 18 levels from DDL 0 to 255', () => {
    expect(Array.from({ length: 18 }, (_, i) => tg18LnDdl(i))).toEqual([
      0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180, 195, 210, 225, 240, 255,
    ]);
  });

  it('passes a primary display that follows the GSDF from 1 to 400 cd/m²', () => {
    const result = evaluateTg18Ln(gsdfConformingReadings(1, 400), 'primary');
    expect(result.steps).toHaveLength(17);
    expect(result.maxDeviation).toBeLessThan(0.01);
    expect(result.luminanceRatio).toBeCloseTo(400, 0);
    expect(result.pass).toBe(true);
    expect(result.failures).toEqual([]);
  });

  it('fails a display with a gamma 2.2 response (not calibrated to the GSDF)', () => {
    const readings = Array.from({ length: 18 }, (_, i) => 1 + 399 * (i / 17) ** 2.2);
    const result = evaluateTg18Ln(readings, 'primary');
    expect(result.maxDeviation).toBeGreaterThan(0.1);
    expect(result.pass).toBe(false);
    expect(result.failures[0]).toMatch(/Contrast response deviates .* at most 10 %/);
  });

  it('allows ±20 % for a secondary display where a primary fails at ±10 %', () => {
    const readings = gsdfConformingReadings(1, 400);
    // One step 15 % too steep: the level above it reads brighter.
    const bent = readings.map((l, i) => (i === 9 ? l * 1.045 : l));
    const primary = evaluateTg18Ln(bent, 'primary');
    const secondary = evaluateTg18Ln(bent, 'secondary');
    expect(primary.maxDeviation).toBeGreaterThan(0.1);
    expect(primary.maxDeviation).toBeLessThan(0.2);
    expect(primary.pass).toBe(false);
    expect(secondary.pass).toBe(true);
  });

  it('fails a luminance ratio below 250 and a dim Lmax for a primary display', () => {
    const result = evaluateTg18Ln(gsdfConformingReadings(0.6, 120), 'primary');
    expect(result.luminanceRatio).toBeCloseTo(200, 0);
    expect(result.pass).toBe(false);
    expect(result.failures.some((f) => f.includes('ratio'))).toBe(true);
    expect(result.failures.some((f) => f.includes('170 cd/m²'))).toBe(true);
  });

  it('counts ambient light in every reading (it lowers the ratio)', () => {
    const readings = gsdfConformingReadings(0.8, 350);
    expect(evaluateTg18Ln(readings, 'primary').pass).toBe(true);
    const lit = evaluateTg18Ln(readings, 'primary', 1);
    expect(lit.lmin).toBeCloseTo(readings[0]! + 1, 9);
    expect(lit.luminanceRatio).toBeLessThan(250);
    expect(lit.pass).toBe(false);
  });

  it('refuses anything but 18 positive readings, and says when they do not rise', () => {
    expect(() => evaluateTg18Ln([1, 2, 3], 'primary')).toThrow();
    const reversed = evaluateTg18Ln([...gsdfConformingReadings(1, 400)].reverse(), 'primary');
    expect(reversed.pass).toBe(false);
    expect(reversed.failures[0]).toMatch(/do not rise/);
  });
});

describe('display requirements', () => {
  const display = (width: number, height: number, colorDepth = 24) => ({
    id: '1',
    label: 'Display 1',
    width,
    height,
    scaleFactor: 1,
    colorDepth,
  });

  it('warns that a 2.3 MP display is below what mammography and radiography need, not CT', () => {
    const warnings = displayWarnings(display(1920, 1200));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('below the 5 MP (2048 × 2560) that mammography reading needs');
    expect(warnings[1]).toContain('radiography');
  });

  it('accepts a 5 MP portrait display for everything, and flags low colour depth', () => {
    expect(displayWarnings(display(2048, 2560))).toEqual([]);
    expect(displayWarnings(display(2560, 2048, 18))).toEqual([
      'Display 1 shows 18-bit colour; at least 24-bit (8 bits of grey) is needed.',
    ]);
  });

  it('counts a display as overdue without a record or after the interval', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(isQaOverdue(undefined, now)).toBe(true);
    expect(isQaOverdue('2026-05-01T00:00:00Z', now)).toBe(false);
    expect(isQaOverdue('2026-02-01T00:00:00Z', now)).toBe(true);
  });
});
