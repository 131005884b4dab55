import { describe, expect, it } from 'vitest';
import { completePasses, measuredFigure, unmeasuredFigure } from './figure.ts';
import {
  replaceResultsSection,
  resultsJson,
  RESULTS_END,
  RESULTS_START,
  type BenchResults,
} from './report.ts';
import { median, quantile, ratio, slope, summarize } from './stats.ts';
import { figureRow, formatNumber, markdownTable, textTable } from './table.ts';
import { BENCH_READERS, REPORT_DATA_SIZES, benchDataPlan } from './data/bench-data.ts';
import { FULL, QUICK, type Plan } from './plans.ts';

describe('bench statistics', () => {
  it('takes the median of odd and even counts, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates percentiles between the closest ranks', () => {
    const hundred = Array.from({ length: 101 }, (_, i) => i); // 0..100
    expect(quantile(hundred, 0.95)).toBe(95);
    expect(quantile(hundred, 0.99)).toBe(99);
    expect(quantile([10, 20], 0.95)).toBeCloseTo(19.5);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });

  it('refuses what has no answer instead of returning NaN', () => {
    expect(() => median([])).toThrow();
    expect(() => quantile([1], 1.5)).toThrow();
    expect(() => median([1, Number.NaN])).toThrow();
  });

  it('summarises spread as range and interquartile range', () => {
    const s = summarize([1, 2, 3, 4, 100]);
    expect(s).toMatchObject({ n: 5, median: 3, min: 1, max: 100, iqr: 2 });
    expect(s.p95).toBeCloseTo(80.8);
  });

  it('gives growth per step as a least-squares slope', () => {
    expect(slope([1, 2, 3, 4], [10, 12, 14, 16])).toBe(2);
    expect(slope([1, 2, 3], [5, 5, 5])).toBe(0);
    expect(slope([1], [5])).toBe(0);
  });

  it('has no ratio against a zero or missing baseline', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(Number.NaN, 1)).toBeNull();
  });
});

describe('bench table', () => {
  const figure = measuredFigure({
    id: 'first-image.reopen',
    title: 'First image',
    unit: 'ms',
    samples: [400, 500, 600],
    baselineTitle: 'bare page',
    baselineSamples: [100, 100],
    goal: { text: '< 1,000 ms', source: 'test', met: ({ value }) => value.median < 1000 },
  });

  it('prints value, baseline, ratio of medians, goal and verdict in one row', () => {
    expect(figureRow(figure)).toEqual([
      'First image',
      '500 ms (p95 590, 400–600, n=3)',
      '100 ms (p95 100, n=2): bare page',
      '5.00×',
      '< 1,000 ms',
      'yes',
    ]);
  });

  it('says plainly when a figure is not measured yet', () => {
    const row = figureRow(
      unmeasuredFigure('sync.case-ready', 'Sync', 'sync worker not wired', {
        text: '≥ 0.8 × fetch-only',
        source: 'test',
      }),
    );
    expect(row[1]).toBe('not measured yet: sync worker not wired');
    expect(row[3]).toBe('—');
    expect(row[5]).toBe('—');
  });

  it('rounds numbers to the digits their size deserves', () => {
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(56.78)).toBe('56.8');
    expect(formatNumber(8.912)).toBe('8.91');
    expect(formatNumber(0.1234)).toBe('0.12');
    expect(formatNumber(0)).toBe('0');
  });

  it('aligns text columns and escapes pipes in Markdown', () => {
    const rows = [
      ['a', 'b|c', 'd', 'e', 'f', 'g'],
      ['longer', 'x', 'y', 'z', 'w', 'v'],
    ];
    const lines = textTable(rows).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]!.indexOf('|')).toBe(lines[3]!.indexOf('|'));
    const md = markdownTable(rows).split('\n');
    expect(md[0]).toBe('| figure | value | baseline | ratio | goal | met? |');
    expect(md[2]).toContain('b\\|c');
  });

  it('replaces only the results section of the README', () => {
    const readme = `intro\n${RESULTS_START}\nold table\n${RESULTS_END}\noutro\n`;
    const out = replaceResultsSection(readme, 'new table');
    expect(out).toBe(`intro\n${RESULTS_START}\nnew table\n${RESULTS_END}\noutro\n`);
    expect(() => replaceResultsSection('no markers', 'x')).toThrow();
  });

  it('writes the results file with number arrays on one line, losslessly', () => {
    const results = {
      format: 1,
      figures: [{ samples: [1.5, -2, 3e-7], notes: ['a, b'] }],
    } as unknown as BenchResults;
    const text = resultsJson(results);
    expect(text).toContain('"samples": [1.5, -2, 3e-7]');
    expect(JSON.parse(text)).toEqual(results);
  });
});

describe('bench scroll passes', () => {
  it('counts a pass that showed at least half its steps, and drops one that stalled early', () => {
    const passes = [
      { changed: 60, fps: 5 },
      { changed: 30, fps: 4 },
      { changed: 10, fps: 30 },
    ];
    expect(completePasses(passes, 60, (p) => p.changed).map((p) => p.fps)).toEqual([5, 4]);
    expect(completePasses([{ changed: [4, 2] }], 10, (p) => p.changed[0] ?? 0)).toEqual([]);
  });
});

describe('bench plans', () => {
  // The figures that used to be single runs (n=1), and what repeats them.
  const repeats = (plan: Plan) => ({
    'first open after sign-in, first scroll pass': plan.viewer.coldRuns,
    'synced scroll passes, per case': plan.viewer.syncedPasses,
    'whole-worklist sync, CT series in the background, cache on disk':
      plan.sync.wholeWorklistRuns ?? 2,
    'a 300-slice CT synced alone, sealed and plain': plan.sync.aloneRuns ?? 2,
    'worklist at 10,000 rows, memory included': plan.worklist.runs,
    'report outbox drains': plan.reports.drains ?? 3,
    'peak memory reading the large CT and MR': plan.scale.peakRuns ?? 2,
  });

  it('repeats every figure at least twice, in a full run and a quick one', () => {
    for (const plan of [FULL, QUICK]) {
      for (const [figure, runs] of Object.entries(repeats(plan))) {
        expect(runs, figure).toBeGreaterThanOrEqual(2);
      }
    }
    expect(FULL.viewer.coldRuns).toBeGreaterThanOrEqual(3);
  });

  it('drains 100 reports each time, on cases the report data set still has without a report', () => {
    for (const plan of [FULL, QUICK]) {
      expect(plan.reports.queued).toBe(100);
      const needed = plan.reports.signed + (plan.reports.drains ?? 3) * plan.reports.queued;
      expect(needed).toBeLessThanOrEqual(REPORT_DATA_SIZES.reportCases);
    }
    const reports = benchDataPlan(REPORT_DATA_SIZES);
    expect(reports.cases.every((c) => c.caseId.startsWith('bench-report-'))).toBe(true);
    expect(reports.cases.every((c) => c.assignee === BENCH_READERS.large)).toBe(true);
    expect(reports.studies.every((s) => s.series.every((r) => r.images === 1))).toBe(true);
  });
});
