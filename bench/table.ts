// The results table: one row per figure, as aligned text for the terminal or Markdown for the README.
import type { Figure, Statistic } from './figure.ts';
import type { Summary } from './stats.ts';

export const HEADERS = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met?'] as const;

const LABEL: Record<Statistic, string> = { median: 'median', p95: 'p95', p99: 'p99' };

/** A number with as many digits as its size deserves: 1234, 56.7, 8.91, 0.123. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(2);
}

/** "412 ms (p95 530, 380–560, n=8)": the first quoted statistic, the others, the range and count. */
export function formatSummary(
  s: Summary,
  unit: string,
  quote: readonly Statistic[],
  options: { range?: boolean } = {},
): string {
  const [first, ...rest] = quote;
  const head = `${formatNumber(s[first ?? 'median'])}${unit ? ` ${unit}` : ''}`;
  const extras = rest.map((q) => `${LABEL[q]} ${formatNumber(s[q])}`);
  if (s.n > 1 && options.range !== false)
    extras.push(`${formatNumber(s.min)}–${formatNumber(s.max)}`);
  extras.push(`n=${s.n}`);
  return `${head} (${extras.join(', ')})`;
}

export function formatRatio(r: number | null): string {
  return r === null ? '—' : `${formatNumber(r)}×`;
}

export function figureRow(f: Figure): string[] {
  if (f.notMeasured !== undefined) {
    return [f.title, `not measured yet: ${f.notMeasured}`, '—', '—', f.goal.text, '—'];
  }
  const value = f.value ? formatSummary(f.value, f.unit, f.quote) : '—';
  const baseline = f.baseline
    ? `${formatSummary(f.baseline, f.baselineUnit ?? f.unit, f.quote, { range: false })}: ${f.baselineTitle}`
    : f.baselineTitle || '—';
  const met = f.goal.met === null ? '—' : f.goal.met ? 'yes' : 'no';
  return [f.title, value, baseline, formatRatio(f.ratio), f.goal.text, met];
}

/** Columns padded to their widest cell, separated by ` | `. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const all = [HEADERS as readonly string[], ...rows];
  const widths = HEADERS.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join(' | ')
      .trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join(
    '\n',
  );
}

/** A GitHub Markdown table; pipes inside cells are escaped. */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (r: readonly string[]) => `| ${r.map(cell).join(' | ')} |`;
  return [line(HEADERS), `|${HEADERS.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
