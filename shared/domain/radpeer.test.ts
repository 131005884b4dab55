import { describe, expect, it } from 'vitest';
import { RADPEER_SCALE, RadpeerScore, isRadpeerDiscrepancy, radpeerDefinition } from './radpeer.ts';
import { wilsonInterval } from './wilson-interval.ts';

describe('RADPEER scale', () => {
  it('lists 1, 2a, 2b, 3a, 3b with their definitions in order', () => {
    expect(RADPEER_SCALE.map((d) => d.score)).toEqual(['1', '2a', '2b', '3a', '3b']);
    expect(radpeerDefinition('1').definition).toBe('Concur with interpretation.');
    expect(radpeerDefinition('2a').definition).toMatch(
      /not ordinarily expected.*Unlikely to be clinically significant/,
    );
    expect(radpeerDefinition('3b').definition).toMatch(
      /should be made most of the time.*Likely to be clinically significant/,
    );
    expect(radpeerDefinition('3b')).toMatchObject({ level: 3, clinicallySignificant: true });
    expect(radpeerDefinition('2a')).toMatchObject({ level: 2, clinicallySignificant: false });
    expect(radpeerDefinition('1').clinicallySignificant).toBeNull();
  });

  it('counts every score but 1 as a discrepancy, and refuses scores off the scale', () => {
    expect(RADPEER_SCALE.filter((d) => isRadpeerDiscrepancy(d.score)).length).toBe(4);
    expect(RadpeerScore.safeParse('1a').success).toBe(false);
    expect(RadpeerScore.safeParse('4').success).toBe(false);
  });
});

describe('Wilson score interval', () => {
  it('matches published values (95 %)', () => {
    // 8 of 10: 0.490 – 0.943 (Newcombe 1998, method 3)
    const a = wilsonInterval(8, 10);
    expect(a.rate).toBe(0.8);
    expect(a.low).toBeCloseTo(0.4902, 3);
    expect(a.high).toBeCloseTo(0.9433, 3);
    // 1 of 29: 0.0061 – 0.1718
    const b = wilsonInterval(1, 29);
    expect(b.low).toBeCloseTo(0.0061, 3);
    expect(b.high).toBeCloseTo(0.1718, 3);
  });

  it('stays inside 0–1 at the edges and is wide for small counts', () => {
    const none = wilsonInterval(0, 3);
    expect(none.low).toBe(0);
    expect(none.high).toBeGreaterThan(0.5);
    const all = wilsonInterval(3, 3);
    expect(all.high).toBe(1);
    expect(all.low).toBeLessThan(0.5);
    expect(wilsonInterval(0, 0)).toMatchObject({ rate: 0, low: 0, high: 1 });
  });

  it('refuses impossible counts', () => {
    expect(() => wilsonInterval(4, 3)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 3)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 3)).toThrow(RangeError);
  });
});
