import fc from 'fast-check';
import type { Priority } from '../../domain/case.ts';
import { instancesOf, type CaseSpec, type StudySpec } from './fixtures.ts';

/**
 * Random worklists for property tests: a pool of studies (some shared between cases as priors),
 * cases of random priority and due time, and maybe one opened case.
 */
export interface Worklist {
  cases: CaseSpec[];
  focus: string | null;
}

export function worklistArbitrary(
  opts: { maxCases?: number; maxImages?: number } = {},
): fc.Arbitrary<Worklist> {
  const maxCases = opts.maxCases ?? 5;
  const maxImages = opts.maxImages ?? 6;
  const studyPool = fc
    .array(fc.array(fc.integer({ min: 1, max: maxImages }), { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: maxCases + 2,
    })
    .map((pool) =>
      pool.map((counts, s): StudySpec => ({
        uid: `1.2.${s + 1}`,
        series: counts.map((count, i) => ({ uid: `1.2.${s + 1}.${i + 1}`, count })),
      })),
    );
  return studyPool.chain((pool) => {
    const caseArb = fc.record({
      priority: fc.constantFrom<Priority>('stat', 'urgent', 'routine'),
      dueInMinutes: fc.integer({ min: -120, max: 600 }),
      current: fc.integer({ min: 0, max: pool.length - 1 }),
      priors: fc.uniqueArray(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 2 }),
    });
    return fc.array(caseArb, { minLength: 1, maxLength: maxCases }).chain((raw) => {
      // one case per current study: a study is read once
      const seen = new Set<number>();
      const cases: CaseSpec[] = [];
      raw.forEach((r, i) => {
        if (seen.has(r.current)) return;
        seen.add(r.current);
        cases.push({
          caseId: `case-${i}`,
          priority: r.priority,
          dueAt: new Date(
            Date.parse('2026-03-02T08:00:00Z') + r.dueInMinutes * 60_000,
          ).toISOString(),
          study: pool[r.current]!,
          priors: r.priors.filter((p) => p !== r.current).map((p) => pool[p]!),
        });
      });
      return fc.record({
        cases: fc.constant(cases),
        focus: fc.option(fc.constantFrom(...cases.map((c) => c.caseId)), { nil: null }),
      });
    });
  });
}

/** Every SOP Instance UID a worklist's cases need (their studies and priors). */
export function allSops(w: Worklist): Set<string> {
  return new Set(
    w.cases
      .flatMap((c) => [c.study, ...(c.priors ?? [])].flatMap(instancesOf))
      .map((i) => i.sopInstanceUid),
  );
}
