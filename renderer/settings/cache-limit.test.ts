import { describe, expect, it } from 'vitest';
import { formatBytes, formatLimit, parseLimit } from './cache-limit.ts';

describe('cache limit input', () => {
  it('reads megabytes, and empty as no limit', () => {
    expect(parseLimit(' 250 ')).toEqual({ ok: true, budgetBytes: 250_000_000 });
    expect(parseLimit('')).toEqual({ ok: true, budgetBytes: null });
  });

  it('refuses what is not a sensible limit, saying why', () => {
    expect(parseLimit('2.5')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/whole number/),
    });
    expect(parseLimit('-3')).toMatchObject({ ok: false });
    expect(parseLimit('5')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/at least 10 MB/),
    });
  });

  it('shows limits and sizes as people read them', () => {
    expect(formatLimit(250_000_000)).toBe('250');
    expect(formatLimit(null)).toBe('');
    expect(formatBytes(1_234_000_000)).toBe('1.2 GB');
    expect(formatBytes(35_400_000)).toBe('35 MB');
    expect(formatBytes(800_000)).toBe('800 kB');
  });
});
