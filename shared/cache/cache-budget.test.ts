import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CacheBudget,
  protectionOf,
  type CacheSnapshot,
  type CaseFootprint,
} from './cache-budget.ts';

function finished(
  caseId: string,
  lastAccessedAt: number,
  extra: Partial<CaseFootprint> = {},
): CaseFootprint {
  return {
    caseId,
    lastAccessedAt,
    finished: true,
    open: false,
    hasUnsignedDraft: false,
    hasUnsentReport: false,
    ...extra,
  };
}

describe('CacheBudget', () => {
  it('fits without evicting when there is room', () => {
    const snapshot: CacheSnapshot = {
      usedBytes: 60,
      cases: [finished('a', 1)],
      holdings: [{ caseIds: ['a'], bytes: 60 }],
    };
    expect(new CacheBudget(100).plan(snapshot, 40)).toEqual({ kind: 'fits' });
  });

  it('evicts finished cases, least recently opened first, until the new bytes fit', () => {
    const snapshot: CacheSnapshot = {
      usedBytes: 90,
      cases: [finished('new', 300), finished('old', 100), finished('mid', 200)],
      holdings: [
        { caseIds: ['new'], bytes: 30 },
        { caseIds: ['old'], bytes: 30 },
        { caseIds: ['mid'], bytes: 30 },
      ],
    };
    expect(new CacheBudget(100).plan(snapshot, 50)).toEqual({
      kind: 'evict',
      caseIds: ['old', 'mid'],
      freedBytes: 60,
    });
  });

  it('never evicts a case that is open, unsigned, unsent or not yet reported', () => {
    const snapshot: CacheSnapshot = {
      usedBytes: 100,
      cases: [
        finished('open', 1, { open: true }),
        finished('draft', 2, { hasUnsignedDraft: true }),
        finished('unsent', 3, { hasUnsentReport: true }),
        finished('assigned', 4, { finished: false }),
        finished('done', 5),
      ],
      holdings: ['open', 'draft', 'unsent', 'assigned', 'done'].map((id) => ({
        caseIds: [id],
        bytes: 20,
      })),
    };
    expect(new CacheBudget(100).plan(snapshot, 10)).toEqual({
      kind: 'evict',
      caseIds: ['done'],
      freedBytes: 20,
    });
    expect(new CacheBudget(100).plan(snapshot, 30)).toEqual({
      kind: 'storage-full',
      shortBytes: 10,
    });
    expect(snapshot.cases.map(protectionOf)).toEqual([
      'open',
      'unsigned-draft',
      'unsent-report',
      'not-finished',
      null,
    ]);
  });

  it('never evicts a local import, however old: the workstation holds its only copy', () => {
    const budget = new CacheBudget(100);
    const snapshot: CacheSnapshot = {
      usedBytes: 100,
      cases: [finished('local-cd', 1, { local: true }), finished('b', 2)],
      holdings: [
        { caseIds: ['local-cd'], bytes: 60 },
        { caseIds: ['b'], bytes: 40 },
      ],
    };
    expect(protectionOf(snapshot.cases[0]!)).toBe('local');
    expect(budget.plan(snapshot, 30)).toEqual({ kind: 'evict', caseIds: ['b'], freedBytes: 40 });
    expect(budget.plan(snapshot, 50)).toEqual({ kind: 'storage-full', shortBytes: 10 });
  });

  it('counts a shared prior as freed only when every case holding it goes', () => {
    const snapshot: CacheSnapshot = {
      usedBytes: 100,
      cases: [finished('a', 1), finished('b', 2, { open: true })],
      holdings: [
        { caseIds: ['a'], bytes: 10 },
        { caseIds: ['a', 'b'], bytes: 90 },
      ],
    };
    expect(new CacheBudget(100).plan(snapshot, 20)).toEqual({
      kind: 'storage-full',
      shortBytes: 10,
    });
  });
});

const snapshotArb = fc
  .array(
    fc.record({
      lastAccessedAt: fc.integer({ min: 0, max: 1_000 }),
      finished: fc.boolean(),
      open: fc.boolean(),
      hasUnsignedDraft: fc.boolean(),
      hasUnsentReport: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .chain((raw) => {
    const cases = raw.map((r, i) => ({ ...r, caseId: `c${i}` }));
    const holding = fc.record({
      caseIds: fc.uniqueArray(fc.constantFrom(...cases.map((c) => c.caseId)), {
        minLength: 1,
        maxLength: 3,
      }),
      bytes: fc.integer({ min: 1, max: 1_000 }),
    });
    return fc.record({
      cases: fc.constant(cases),
      holdings: fc.array(holding, { maxLength: 12 }),
      budget: fc.integer({ min: 0, max: 6_000 }),
      incoming: fc.integer({ min: 0, max: 2_000 }),
    });
  });

describe('CacheBudget (properties)', () => {
  it('evicts only unprotected cases, in LRU order, and the result fits; storage-full only when evicting all would not fit', () => {
    fc.assert(
      fc.property(snapshotArb, ({ cases, holdings, budget, incoming }) => {
        const usedBytes = holdings.reduce((n, h) => n + h.bytes, 0);
        const snapshot = { usedBytes, cases, holdings };
        const plan = new CacheBudget(budget).plan(snapshot, incoming);
        const freedBy = (ids: Set<string>) =>
          holdings
            .filter((h) => h.caseIds.every((id) => ids.has(id)))
            .reduce((n, h) => n + h.bytes, 0);
        const evictable = cases
          .filter((c) => protectionOf(c) === null)
          .sort((a, b) => a.lastAccessedAt - b.lastAccessedAt || (a.caseId < b.caseId ? -1 : 1));
        if (plan.kind === 'fits') {
          expect(usedBytes + incoming).toBeLessThanOrEqual(budget);
        } else if (plan.kind === 'evict') {
          expect(plan.caseIds).toEqual(
            evictable.slice(0, plan.caseIds.length).map((c) => c.caseId),
          );
          expect(plan.freedBytes).toBe(freedBy(new Set(plan.caseIds)));
          expect(usedBytes - plan.freedBytes + incoming).toBeLessThanOrEqual(budget);
          // and one case fewer would not have been enough
          expect(
            usedBytes - freedBy(new Set(plan.caseIds.slice(0, -1))) + incoming,
          ).toBeGreaterThan(budget);
        } else {
          const all = freedBy(new Set(evictable.map((c) => c.caseId)));
          expect(usedBytes - all + incoming).toBeGreaterThan(budget);
          expect(plan.shortBytes).toBe(usedBytes - all + incoming - budget);
        }
      }),
    );
  });
});
