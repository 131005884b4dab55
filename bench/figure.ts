// What one figure of the bench is: a measured value beside a baseline from the same run, their
// ratio and the goal it is held against. Pure data and the functions that build it.
import { ratio, summarize, type Summary } from './stats.ts';

export type Statistic = 'median' | 'p95' | 'p99';

export interface Goal {
  /** what is wanted, as printed, e.g. "< 1000 ms" */
  text: string;
  /** where the goal comes from (ARCHITECTURE, FIELD-NOTES, the issue) */
  source: string;
  /** whether the measured value meets it; null for a figure quoted for information only */
  met(f: { value: Summary; ratio: number | null }): boolean | null;
}

export interface Figure {
  id: string;
  title: string;
  unit: string;
  /** the statistics quoted, first one compared with the baseline's same statistic */
  quote: Statistic[];
  value: Summary | null;
  baseline: Summary | null;
  baselineTitle: string;
  /** when the baseline is in another unit than the value */
  baselineUnit?: string;
  ratio: number | null;
  goal: { text: string; source: string; met: boolean | null };
  /** set when the figure was not measured, saying why */
  notMeasured?: string;
  notes: string[];
  samples: number[];
  baselineSamples: number[];
}

export interface FigureInput {
  id: string;
  title: string;
  unit: string;
  quote?: Statistic[];
  samples: readonly number[];
  baselineTitle: string;
  baselineUnit?: string;
  baselineSamples: readonly number[];
  goal: Goal;
  notes?: string[];
}

const round = (v: number) => Math.round(v * 100) / 100;

/** Builds a measured figure: summaries, the ratio of the first quoted statistic, the goal verdict. */
export function measuredFigure(input: FigureInput): Figure {
  const quote = input.quote ?? ['median', 'p95'];
  const value = summarize(input.samples);
  const baseline = input.baselineSamples.length > 0 ? summarize(input.baselineSamples) : null;
  const first = quote[0]!;
  const r = baseline ? ratio(value[first], baseline[first]) : null;
  return {
    id: input.id,
    title: input.title,
    unit: input.unit,
    quote,
    value,
    baseline,
    baselineTitle: input.baselineTitle,
    ...(input.baselineUnit !== undefined ? { baselineUnit: input.baselineUnit } : {}),
    ratio: r,
    goal: {
      text: input.goal.text,
      source: input.goal.source,
      met: input.goal.met({ value, ratio: r }),
    },
    notes: input.notes ?? [],
    samples: input.samples.map(round),
    baselineSamples: input.baselineSamples.map(round),
  };
}

/** A figure that has no measurement yet (or whose measurement failed), saying why. */
export function unmeasuredFigure(
  id: string,
  title: string,
  reason: string,
  goal: { text: string; source: string },
): Figure {
  return {
    id,
    title,
    unit: '',
    quote: ['median'],
    value: null,
    baseline: null,
    baselineTitle: '',
    ratio: null,
    goal: { ...goal, met: null },
    notMeasured: reason,
    notes: [],
    samples: [],
    baselineSamples: [],
  };
}

/**
 * The scroll passes that count: a pass ends early after two steps without a change (the viewer
 * showed another image than asked, e.g. nudged by a linked viewport); its rate over the steps
 * before stands if it showed at least half of them, otherwise it has no rate.
 */
export function completePasses<T>(
  passes: readonly T[],
  steps: number,
  changedOf: (pass: T) => number,
): T[] {
  return passes.filter((p) => changedOf(p) >= steps / 2);
}
