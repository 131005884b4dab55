import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { Emitter } from './emitter.ts';
import { sequenceRandom } from './test-support/fake-clock.ts';

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const half = sequenceRandom([0.5]);
    const policy = { baseMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, half))).toEqual([
      750, 1_500, 3_000, 6_000, 7_500, 7_500,
    ]);
  });

  it('stays within half to all of the nominal delay, never above the cap, whatever the jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        (attempt, r, baseMs, extra) => {
          const policy = { baseMs, maxMs: baseMs + extra };
          const d = backoffDelay(attempt, policy, { next: () => r });
          const nominal = Math.min(policy.maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
          expect(d).toBeGreaterThanOrEqual(Math.floor(nominal / 2));
          expect(d).toBeLessThanOrEqual(policy.maxMs);
        },
      ),
    );
  });
});

describe('Emitter', () => {
  it('delivers typed payloads until unsubscribed, and one failing listener does not stop the others', () => {
    const errors: unknown[] = [];
    const e = new Emitter<{ n: number }>((err) => errors.push(err));
    const got: number[] = [];
    e.on('n', () => {
      throw new Error('listener bug');
    });
    const off = e.on('n', (n) => got.push(n));
    e.emit('n', 1);
    off();
    e.emit('n', 2);
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(2);
  });
});
