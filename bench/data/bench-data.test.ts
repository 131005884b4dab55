import { describe, expect, it } from 'vitest';
import {
  BENCH_DATA_SIZES,
  BENCH_READERS,
  CT_LARGE_CASE_ID,
  MR_CASE_ID,
  benchDataPlan,
  benchUid,
  reportCaseId,
  slicePixels,
} from './bench-data.ts';

describe('bench-size data plan', () => {
  const plan = benchDataPlan(BENCH_DATA_SIZES);
  const imagesOf = (key: string) =>
    plan.studies.find((s) => s.key === key)!.series.reduce((n, s) => n + s.images, 0);

  it('holds a 1,000-image MR and a 1,500-image CT for the large-series reader', () => {
    expect(imagesOf('mr')).toBe(1000);
    expect(imagesOf('ct')).toBe(1500);
    const large = plan.cases.filter(
      (c) => c.caseId === MR_CASE_ID || c.caseId === CT_LARGE_CASE_ID,
    );
    expect(large.map((c) => c.assignee)).toEqual([BENCH_READERS.large, BENCH_READERS.large]);
  });

  it('gives the worklist reader 50 cases, each with a prior of the same patient, body part and modality', () => {
    const worklist = plan.cases.filter((c) => c.assignee === BENCH_READERS.worklist);
    expect(worklist).toHaveLength(50);
    for (const c of worklist) {
      const current = plan.studies.find((s) => s.key === c.studyKey)!;
      const prior = plan.studies.find((s) => s.key === c.studyKey.replace('current', 'prior'))!;
      expect(prior.patientId).toBe(current.patientId);
      expect(prior.date < current.date).toBe(true);
      expect(prior.series[0]!.modality).toBe(current.series[0]!.modality);
      expect(prior.series[0]!.bodyPart).toBe(current.series[0]!.bodyPart);
    }
  });

  it('has one small case per report to sign, each its own study', () => {
    const reports = plan.cases.filter((c) => c.caseId.startsWith('bench-report-'));
    expect(reports).toHaveLength(BENCH_DATA_SIZES.reportCases);
    expect(new Set(reports.map((c) => c.studyKey)).size).toBe(reports.length);
    expect(reports[0]!.caseId).toBe(reportCaseId(0));
    expect(new Set(plan.cases.map((c) => c.caseId)).size).toBe(plan.cases.length);
  });
});

describe('bench-size data content', () => {
  it('makes the same valid UID from the same parts, and different ones from others', () => {
    const a = benchUid('v', 'mr', 0, 1);
    expect(a).toBe(benchUid('v', 'mr', 0, 1));
    expect(a).not.toBe(benchUid('v', 'mr', 0, 2));
    expect(a).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(a.length).toBeLessThanOrEqual(64);
  });

  it('draws slices whose pixels differ from one slice to the next', () => {
    const first = slicePixels(64, 0, 10);
    const second = slicePixels(64, 1, 10);
    expect(first).toHaveLength(64 * 64 * 2);
    expect(Buffer.compare(Buffer.from(first), Buffer.from(second))).not.toBe(0);
  });
});
