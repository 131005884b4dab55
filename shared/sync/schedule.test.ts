import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  jobKey,
  orderInstances,
  PRIORITY_RANK,
  seriesOrderOf,
  studyFetchOrder,
  type CasePlanInput,
} from './schedule.ts';
import { worklistArbitrary, type Worklist } from './test-support/arbitraries.ts';
import { caseDetail, instancesOf } from './test-support/fixtures.ts';

function planInput(w: Worklist): CasePlanInput[] {
  return w.cases.map((c) => {
    const d = caseDetail(c);
    return {
      caseId: c.caseId,
      priority: d.priority,
      dueAt: d.dueAt,
      studies: [c.study, ...(c.priors ?? [])].map((s, i) => ({
        seriesOrder: seriesOrderOf(i === 0 ? d.study : d.priors[i - 1]!),
        instances: instancesOf(s),
      })),
    };
  });
}

function owners(w: Worklist, sop: string): string[] {
  return w.cases
    .filter((c) =>
      [c.study, ...(c.priors ?? [])].some((s) =>
        instancesOf(s).some((i) => i.sopInstanceUid === sop),
      ),
    )
    .map((c) => c.caseId);
}

describe('studyFetchOrder', () => {
  it('puts the first, middle and last image of each series first, then the rest in display order', () => {
    const instances = [5, 3, 1, 4, 2].map((n) => ({
      studyInstanceUid: '1',
      seriesInstanceUid: '1.1',
      sopInstanceUid: `1.1.${n}`,
      instanceNumber: n,
    }));
    const order = studyFetchOrder(instances, ['1.1']).map((p) => p.instance.instanceNumber);
    expect(order).toEqual([1, 3, 5, 2, 4]);
  });

  it('handles series of one and two images', () => {
    const one = [
      { studyInstanceUid: '1', seriesInstanceUid: 'a', sopInstanceUid: 'a.1', instanceNumber: 1 },
    ];
    expect(studyFetchOrder(one, []).map((p) => p.tier)).toEqual([0]);
    const two = [
      ...one,
      { studyInstanceUid: '1', seriesInstanceUid: 'a', sopInstanceUid: 'a.2', instanceNumber: 2 },
    ];
    expect(studyFetchOrder(two, []).map((p) => [p.tier, p.instance.instanceNumber])).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });
});

describe('seriesOrderOf', () => {
  it('orders by series number, unnumbered series last', () => {
    const s = (uid: string, seriesNumber: number | null) => ({
      seriesInstanceUid: uid,
      seriesNumber,
      modality: 'CT',
      description: '',
      numberOfInstances: 1,
    });
    expect(seriesOrderOf({ series: [s('x', null), s('b', 3), s('a', 1)] })).toEqual([
      'a',
      'b',
      'x',
    ]);
  });
});

describe('jobKey', () => {
  const c = (
    caseId: string,
    priority: 'stat' | 'urgent' | 'routine',
    dueAt = '2026-03-02T10:00:00Z',
  ) => ({ caseId, priority, dueAt });
  it('orders the metadata of every case before the images of any case but the opened one', () => {
    const routineDetail = jobKey(c('r', 'routine'), null, { kind: 'detail' });
    const statImage = jobKey(c('s', 'stat'), null, {
      kind: 'instance',
      studyIndex: 0,
      tier: 0,
      seriesIndex: 0,
      index: 0,
    });
    expect(compareKeys(routineDetail, statImage)).toBeLessThan(0);
    const openedImage = jobKey(c('o', 'routine'), 'o', {
      kind: 'instance',
      studyIndex: 1,
      tier: 1,
      seriesIndex: 3,
      index: 9,
    });
    expect(compareKeys(openedImage, routineDetail)).toBeLessThan(0);
  });
});

describe('orderInstances (properties)', () => {
  it('fetches every instance exactly once', () => {
    fc.assert(
      fc.property(worklistArbitrary(), (w) => {
        const order = orderInstances(planInput(w), w.focus).map((o) => o.sopInstanceUid);
        const all = new Set(
          w.cases
            .flatMap((c) => [c.study, ...(c.priors ?? [])].flatMap(instancesOf))
            .map((i) => i.sopInstanceUid),
        );
        expect(order.length).toBe(all.size);
        expect(new Set(order)).toEqual(all);
      }),
    );
  });

  it('puts everything the opened case needs (key images of its study, then of its priors, then the rest in the same order) before anything else', () => {
    fc.assert(
      fc.property(worklistArbitrary(), (w) => {
        fc.pre(w.focus !== null);
        const order = orderInstances(planInput(w), w.focus).map((o) => o.sopInstanceUid);
        const focused = order.map((sop) => owners(w, sop).includes(w.focus!));
        const firstOther = focused.indexOf(false);
        if (firstOther >= 0) expect(focused.slice(firstOther)).not.toContain(true);
        // the key images (first, middle, last of each series) of its study and priors first;
        // among those, and among the rest, its own study before its priors
        const spec = w.cases.find((c) => c.caseId === w.focus)!;
        const own = new Set(instancesOf(spec.study).map((i) => i.sopInstanceUid));
        const key = new Set(
          [spec.study, ...(spec.priors ?? [])].flatMap((s) =>
            s.series.flatMap((series) =>
              [1, Math.floor((series.count - 1) / 2) + 1, series.count].map(
                (k) => `${series.uid}.${k}`,
              ),
            ),
          ),
        );
        const mine = order.filter((_, i) => focused[i]);
        const isKey = mine.map((sop) => key.has(sop));
        const firstRest = isKey.indexOf(false);
        if (firstRest >= 0) expect(isKey.slice(firstRest)).not.toContain(true);
        for (const part of [mine.filter((s) => key.has(s)), mine.filter((s) => !key.has(s))]) {
          const isOwn = part.map((sop) => own.has(sop));
          const firstPrior = isOwn.indexOf(false);
          if (firstPrior >= 0) expect(isOwn.slice(firstPrior)).not.toContain(true);
        }
      }),
    );
  });

  it('never fetches an image for a routine case while one of a STAT case waits (the opened case aside)', () => {
    fc.assert(
      fc.property(worklistArbitrary(), (w) => {
        const byId = new Map(w.cases.map((c) => [c.caseId, c]));
        const order = orderInstances(planInput(w), w.focus);
        const ranks = order
          .filter((o) => !owners(w, o.sopInstanceUid).includes(w.focus ?? ''))
          .map((o) =>
            Math.min(
              ...owners(w, o.sopInstanceUid).map(
                (id) => PRIORITY_RANK[byId.get(id)!.priority ?? 'routine'],
              ),
            ),
          );
        for (let i = 1; i < ranks.length; i++)
          expect(ranks[i]!).toBeGreaterThanOrEqual(ranks[i - 1]!);
      }),
    );
  });

  it('fetches the first, middle and last image of a series before its other images', () => {
    fc.assert(
      fc.property(worklistArbitrary(), (w) => {
        const order = orderInstances(planInput(w), w.focus).map((o) => o.sopInstanceUid);
        const studies = new Map(
          w.cases.flatMap((c) => [c.study, ...(c.priors ?? [])]).map((s) => [s.uid, s]),
        );
        for (const s of studies.values()) {
          for (const series of s.series) {
            const n = series.count;
            const key = new Set(
              [1, Math.floor((n - 1) / 2) + 1, n].map((k) => `${series.uid}.${k}`),
            );
            const inSeries = order.filter(
              (sop) =>
                sop.startsWith(`${series.uid}.`) &&
                sop.split('.').length === series.uid.split('.').length + 1,
            );
            expect(new Set(inSeries.slice(0, key.size))).toEqual(key);
          }
        }
      }),
    );
  });
});
