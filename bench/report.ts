// The bench's outputs: the results file, the table for the terminal, the README's results section.
import type { Figure } from './figure.ts';
import { machineLine, type Machine } from './machine.ts';
import { figureRow, markdownTable, textTable } from './table.ts';

export interface BenchResults {
  /** the results file's format */
  format: 1;
  date: string;
  durationSeconds: number;
  quick: boolean;
  machine: Machine;
  figures: Figure[];
  /** per figure group: anything else measured on the way (profiles, per-run readings) */
  details: Record<string, unknown>;
  failures: string[];
}

/** The results file's text: indented JSON with each array of numbers on one line, to stay small. */
export function resultsJson(r: BenchResults): string {
  const text = JSON.stringify(r, null, 2).replace(
    /\[\s+(-?[\d.e+-]+(?:,\s+-?[\d.e+-]+)*)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`,
  );
  return `${text}\n`;
}

export function terminalReport(r: BenchResults): string {
  return [
    textTable(r.figures.map(figureRow)),
    '',
    `machine: ${machineLine(r.machine)}`,
    `${r.date}, commit ${r.machine.commit}, ${r.durationSeconds} s${r.quick ? ' (quick run: fewer repeats)' : ''}`,
  ].join('\n');
}

export function markdownReport(r: BenchResults): string {
  return [
    `Measured ${r.date.slice(0, 10)} at commit ${r.machine.commit} on ${machineLine(r.machine)}; ` +
      `the run took ${Math.round(r.durationSeconds)} s` +
      `${r.quick ? ' (quick run: fewer repeats)' : ''}.`,
    '',
    markdownTable(r.figures.map(figureRow)),
  ].join('\n');
}

export const RESULTS_START = '<!-- bench-results:start -->';
export const RESULTS_END = '<!-- bench-results:end -->';

/** The README with the text between the results markers replaced (markers kept). */
export function replaceResultsSection(readme: string, section: string): string {
  const start = readme.indexOf(RESULTS_START);
  const end = readme.indexOf(RESULTS_END);
  if (start < 0 || end < start) throw new Error('the README has no results markers');
  return `${readme.slice(0, start + RESULTS_START.length)}\n${section}\n${readme.slice(end)}`;
}
