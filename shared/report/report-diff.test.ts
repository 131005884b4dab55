import { describe, expect, it } from 'vitest';
import { categoriesOf, diffReports, impressionOf, wordDiff } from './report-diff.ts';

// Excerpts in the shape of the demo's discordant pairs (scripts/demo-data/reports.ts).
const CT_FIRST = `FINDINGS:
Lungs: mild centrilobular emphysema in the upper lobes. No consolidation. No suspicious pulmonary nodule or mass. No pleural effusion or pneumothorax.

IMPRESSION:
1. Mild upper-lobe centrilobular emphysema.
2. No acute cardiopulmonary abnormality. No suspicious pulmonary nodule.`;

const CT_SECOND = `FINDINGS:
Lungs: 6 mm solid, smoothly marginated nodule in the anterior segment of the right upper lobe (series 2). No calcification or fat. Mild centrilobular emphysema in the upper lobes. No consolidation, effusion or pneumothorax.

IMPRESSION:
1. 6 mm solid nodule, right upper lobe, anterior segment. In a high-risk patient, follow-up CT at 6-12 months is recommended (Fleischner Society 2017), then consider CT at 18-24 months.
2. Mild upper-lobe centrilobular emphysema.`;

const SCREEN_FIRST = `FINDINGS:
Lungs: 5 mm solid nodule in the left lower lobe, superior segment, unchanged from baseline. No new nodule.

IMPRESSION:
Lung-RADS 2 (benign appearance or behaviour). Continue annual screening with low-dose CT in 12 months.`;

const SCREEN_SECOND = `FINDINGS:
Lungs: solid nodule in the left lower lobe measuring 6 mm (mean diameter), previously reported as 5 mm. No new nodule.

IMPRESSION:
Lung-RADS 3 (probably benign) based on the 6 mm measurement. Low-dose CT in 6 months suggested.`;

describe('report diff', () => {
  it('finds a nodule reported only by the second reader, negations not counting as findings', () => {
    const d = diffReports(CT_FIRST, CT_SECOND);
    expect(d.findings).toEqual([
      expect.objectContaining({ finding: 'nodule', presentIn: 'second' }),
    ]);
    expect(d.findings[0]!.sentence).toMatch(/6 mm solid/);
    // emphysema is in both; "No consolidation" in both is not a finding
    expect(d.findings.some((f) => f.finding === 'emphysema' || f.finding === 'consolidation')).toBe(
      false,
    );
    expect(d.categories).toEqual([
      {
        system: 'Fleischner',
        first: null,
        second: expect.stringMatching(/follow-up CT at 6-12 months/),
      },
    ]);
    expect(d.identical).toBe(false);
  });

  it('reports a different size of the same finding with the percent change, and Lung-RADS 2 vs 3', () => {
    const d = diffReports(SCREEN_FIRST, SCREEN_SECOND);
    expect(d.findings).toEqual([]);
    expect(d.measurements).toEqual([
      { finding: 'nodule', unit: 'mm', first: 5, second: 6, percent: 20 },
    ]);
    expect(d.categories).toEqual([{ system: 'Lung-RADS', first: '2', second: '3' }]);
  });

  it('reads BI-RADS from free text and from a template choice line, and cm as mm', () => {
    expect(categoriesOf('Impression: BI-RADS 1: Negative.')['BI-RADS']).toBe('1');
    expect(categoriesOf('BI-RADS assessment: BI-RADS 0: Incomplete')['BI-RADS']).toBe('0');
    expect(
      categoriesOf('Breast density (BI-RADS): c. heterogeneously dense')['BI-RADS'],
    ).toBeNull();
    expect(categoriesOf('Recommendation (Fleischner 2017): No routine follow-up').Fleischner).toBe(
      'No routine follow-up',
    );
    const d = diffReports('Liver: 1.2 cm cyst.', 'Liver: 15 mm cyst.');
    expect(d.measurements).toEqual([
      { finding: 'cyst', unit: 'mm', first: 12, second: 15, percent: 25 },
    ]);
  });

  it('keeps each side’s own wording of common words, and line breaks', () => {
    const ops = wordDiff('Mass, benign.\nDone', 'mass benign\nDone');
    expect(ops).toEqual([
      { op: 'same', text: 'mass benign \n Done', first: 'Mass, benign. \n Done' },
    ]);
  });

  it('diffs the impression word by word and calls identical reports identical', () => {
    expect(impressionOf(SCREEN_FIRST)).toMatch(/^Lung-RADS 2/);
    const ops = wordDiff(
      'Continue annual screening in 12 months.',
      'Continue screening in 6 months.',
    );
    expect(ops).toEqual([
      { op: 'same', text: 'Continue', first: 'Continue' },
      { op: 'removed', text: 'annual' },
      { op: 'same', text: 'screening in', first: 'screening in' },
      { op: 'removed', text: '12' },
      { op: 'added', text: '6' },
      { op: 'same', text: 'months.', first: 'months.' },
    ]);
    const same = diffReports(CT_FIRST, CT_FIRST);
    expect(same.identical).toBe(true);
    expect(same.text.every((o) => o.op === 'same')).toBe(true);
  });
});
