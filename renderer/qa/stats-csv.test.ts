import { describe, expect, it } from 'vitest';
import type { QaStatRow } from '../../shared/api/contract.ts';
import { RadpeerScore } from '../../shared/domain/radpeer.ts';
import { wilsonInterval } from '../../shared/domain/wilson-interval.ts';
import { statsCsv } from './stats-csv.ts';

function row(key: string, scores: RadpeerScore[]): QaStatRow {
  const prop = (count: number) => {
    const w = wilsonInterval(count, scores.length);
    return { count, rate: w.rate, low: w.low, high: w.high };
  };
  return {
    key,
    reviewed: scores.length,
    discordant: prop(scores.filter((s) => s !== '1').length),
    scores: Object.fromEntries(
      RadpeerScore.options.map((s) => [s, prop(scores.filter((x) => x === s).length)]),
    ) as QaStatRow['scores'],
  };
}

describe('statistics CSV', () => {
  it('has one line for the total and one per group row, quoting keys with commas', () => {
    const csv = statsCsv({
      total: row('all', ['1', '2a', '3b']),
      groups: [{ dimension: 'reader', rows: [row('Lang, Gregory', ['2a'])] }],
    });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'dimension,group,reviewed,discordant,discordance_rate_pct,ci95_low_pct,ci95_high_pct,radpeer_1,radpeer_2a,radpeer_2b,radpeer_3a,radpeer_3b',
    );
    expect(lines[1]).toMatch(/^all,all,3,2,66\.7,\d+\.\d,\d+\.\d,1,1,0,0,1$/);
    expect(lines[2]).toMatch(/^reader,"Lang, Gregory",1,1,100\.0,\d+\.\d,100\.0,0,1,0,0,0$/);
  });
});
