import { describe, expect, it } from 'vitest';
import { formatDueClock, formatTimeLeft } from './due-time.ts';

const now = new Date('2025-11-24T12:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

describe('formatTimeLeft', () => {
  it('says how long is left in hours and minutes', () => {
    expect(formatTimeLeft(at(130), now)).toBe('in 2 h 10 min');
    expect(formatTimeLeft(at(45), now)).toBe('in 45 min');
    expect(formatTimeLeft(at(120), now)).toBe('in 2 h');
  });

  it('says how long a case is overdue', () => {
    expect(formatTimeLeft(at(-15), now)).toBe('overdue 15 min');
    expect(formatTimeLeft(at(-61), now)).toBe('overdue 1 h 1 min');
  });

  it('uses days beyond a day', () => {
    expect(formatTimeLeft(at(26 * 60), now)).toBe('in 1 d 2 h');
  });
});

describe('formatDueClock', () => {
  it('gives the local clock time, with the date when the case is not due today', () => {
    const noon = new Date(2025, 10, 24, 12, 0);
    const later = new Date(2025, 10, 24, 15, 5);
    const time = later.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    expect(formatDueClock(later, noon)).toBe(time);
    const tomorrow = new Date(2025, 10, 25, 15, 5);
    const day = tomorrow.toLocaleDateString([], { day: 'numeric', month: 'short' });
    expect(formatDueClock(tomorrow, noon)).toBe(`${day} ${time}`);
  });
});
