import type { QaStatRow, QaStatsResponse } from '../../shared/api/contract.ts';
import { RadpeerScore } from '../../shared/domain/radpeer.ts';

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const pct = (x: number) => (x * 100).toFixed(1);

function line(dimension: string, r: QaStatRow): string {
  return [
    dimension,
    r.key,
    r.reviewed,
    r.discordant.count,
    pct(r.discordant.rate),
    pct(r.discordant.low),
    pct(r.discordant.high),
    ...RadpeerScore.options.map((s) => r.scores[s].count),
  ]
    .map(cell)
    .join(',');
}

/** The dashboard's numbers as CSV: one line per group row, the overall total first. */
export function statsCsv(stats: QaStatsResponse): string {
  const header = [
    'dimension',
    'group',
    'reviewed',
    'discordant',
    'discordance_rate_pct',
    'ci95_low_pct',
    'ci95_high_pct',
    ...RadpeerScore.options.map((s) => `radpeer_${s}`),
  ].join(',');
  const lines = [header, line('all', stats.total)];
  for (const g of stats.groups) for (const r of g.rows) lines.push(line(g.dimension, r));
  return lines.join('\n') + '\n';
}
