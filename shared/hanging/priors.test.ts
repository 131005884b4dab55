import { describe, expect, it } from 'vitest';
import { intervalText, priorLabel } from './priors.ts';

describe('prior interval text', () => {
  it.each([
    ['2026-11-23', '2026-11-23', 'same day'],
    ['2026-11-23', '2026-11-22', '1 day earlier'],
    ['2026-11-23', '2026-11-01', '22 days earlier'],
    ['2026-11-23', '2026-10-23', '1 month earlier'],
    ['2026-11-23', '2025-09-18', '14 months earlier'],
    ['2026-05-02', '2025-03-02', '14 months earlier'],
    ['2026-11-24', '2024-06-03', '2 years 5 months earlier'],
    ['2026-11-24', '2023-11-24', '3 years earlier'],
    ['2026-11-24', '2025-11-24', '12 months earlier'],
  ])('%s after %s reads "%s"', (current, prior, text) => {
    expect(intervalText(current, prior)).toBe(text);
  });

  it('labels a prior the way the viewport shows it', () => {
    expect(priorLabel('2026-05-02', '2025-03-02')).toBe('prior: 2025-03-02, 14 months earlier');
  });
});
