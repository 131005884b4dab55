import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hangMatchStage, initialHanging, rankProtocols } from './apply-protocol.ts';
import type { CaseStudies, HungStage } from './apply-protocol.ts';
import { parseProtocol } from './parse-protocol.ts';
import { protocolFromHanging, userProtocolId } from './protocol-from-hanging.ts';
import type { HangingProtocol, HangingStudy, HungLayout } from './protocol.ts';
import { DEMO_STUDIES, demoStudy, othersOf } from './test-support/demo-studies.ts';
/** The shipped protocols, as the renderer loads them (file name order, generic last). */
const PROTOCOL_DIR = fileURLToPath(new URL('../../resources/hanging-protocols/', import.meta.url));
const SHIPPED = readdirSync(PROTOCOL_DIR)
  .filter((f) => f.endsWith('.json') && f !== 'schema.json')
  .sort((a, b) => Number(a === 'generic.json') - Number(b === 'generic.json') || a.localeCompare(b))
  .map((f) => parseProtocol(JSON.parse(readFileSync(PROTOCOL_DIR + f, 'utf8'))));

function caseOf(key: string): CaseStudies {
  const current = demoStudy(key);
  return { current, others: othersOf(current) };
}

/** What a reader sees in each slot: "current Chest 1.0 Lung", "prior AX T1 SE", or "empty". */
function described(layout: HungLayout, studies: CaseStudies): string[] {
  const all = [studies.current, ...studies.others];
  return layout.viewports.map((v) => {
    if (!v) return 'empty';
    const study = all.find((s) => s.studyInstanceUid === v.studyInstanceUid);
    const series = study?.series.find((s) => s.seriesInstanceUid === v.seriesInstanceUid);
    return `${v.role} ${series?.description ?? '?'}`;
  });
}

function opened(key: string): { stage: HungStage; studies: CaseStudies; stages: number[] } {
  const studies = caseOf(key);
  const result = initialHanging(SHIPPED, studies);
  if (!result) throw new Error(`nothing hung for ${key}`);
  return { stage: result.stage, studies, stages: result.matches[0]?.stages ?? [] };
}

const CT_PRIOR_LABEL = 'prior: 2025-09-18, 14 months earlier';

describe('hanging the demo studies', () => {
  // Each demo study opened as the current one, its other studies offered as priors.
  const table: [key: string, protocol: string, stage: string, stages: number[], slots: string[]][] =
    [
      [
        'p1-ct-chest-current',
        'ct-chest',
        'current-vs-prior',
        [0, 1, 2],
        ['current Chest 1.0 Lung', 'prior Chest 2.0 Lung'],
      ],
      // No earlier study: "current vs prior" is skipped; the mediastinal slot falls back to the only series.
      [
        'p1-ct-chest-prior',
        'ct-chest',
        'current',
        [1, 2],
        ['current Chest 2.0 Lung', 'current Chest 2.0 Lung'],
      ],
      [
        'p2-mr-brain-current',
        'mr-brain',
        'current-vs-prior',
        [0, 1],
        [
          'current AX T1 SE',
          'current AX T2 TSE',
          'current AX T2 FLAIR',
          'prior AX T1 SE',
          'prior AX T2 TSE',
          'prior AX T2 FLAIR',
        ],
      ],
      [
        'p2-mr-brain-prior',
        'mr-brain',
        'current',
        [1],
        ['current AX T1 SE', 'current AX T2 TSE', 'current AX T2 FLAIR'],
      ],
      [
        'p3-cr-chest-current',
        'cr-chest',
        'current-vs-prior',
        [0, 1],
        ['current Chest PA', 'current Chest Lateral', 'prior Chest PA', 'prior Chest Lateral'],
      ],
      [
        'p3-cr-chest-prior',
        'cr-chest',
        'current',
        [1],
        ['current Chest PA', 'current Chest Lateral'],
      ],
      [
        'p4-mg-screening-current',
        'mg-screening',
        'four-view',
        [0, 1, 2],
        ['current R CC', 'current L CC', 'current R MLO', 'current L MLO'],
      ],
      [
        'p4-mg-screening-prior',
        'mg-screening',
        'four-view',
        [0],
        ['current R CC', 'current L CC', 'current R MLO', 'current L MLO'],
      ],
      [
        'p5-ct-abdomen-current',
        'ct-abdomen-pelvis',
        'current-vs-prior',
        [0, 1, 2],
        ['current Abd/Pelvis 3.0 Portal venous', 'prior Abd/Pelvis 5.0 Portal venous'],
      ],
      [
        'p5-ct-abdomen-prior',
        'ct-abdomen-pelvis',
        'current',
        [1, 2],
        ['current Abd/Pelvis 5.0 Portal venous'],
      ],
      [
        'p6-ct-chest-screening-current',
        'ct-chest',
        'current-vs-prior',
        [0, 1, 2],
        ['current LDCT 3.0 Lung', 'prior LDCT 3.0 Lung'],
      ],
      [
        'p6-ct-chest-screening-prior',
        'ct-chest',
        'current',
        [1, 2],
        ['current LDCT 3.0 Lung', 'current LDCT 3.0 Lung'],
      ],
    ];

  it('covers all twelve demo studies', () => {
    expect(table.map((row) => row[0]).sort()).toEqual(DEMO_STUDIES.map((s) => s.key).sort());
  });

  it.each(table)('%s hangs %s, stage %s', (key, protocol, stageId, stages, slots) => {
    const { stage, studies, stages: hangable } = opened(key);
    expect(stage.protocolId).toBe(protocol);
    expect(stage.stageId).toBe(stageId);
    expect(hangable).toEqual(stages);
    expect(described(stage.layout, studies)).toEqual(slots);
  });

  it('labels the prior’s viewports with its date and the interval, and links current and prior', () => {
    const { stage } = opened('p1-ct-chest-current');
    expect(stage.layout.viewports.map((v) => v?.label)).toEqual([undefined, CT_PRIOR_LABEL]);
    expect(stage.layout.viewports.map((v) => v?.voiPreset)).toEqual(['Lung', 'Lung']);
    expect(stage.layout.syncGroups).toEqual([
      { id: 'compare', kinds: ['slice', 'zoompan', 'voi'], viewportIndexes: [0, 1] },
    ]);
    expect(opened('p3-cr-chest-current').stage.layout.viewports[2]?.label).toBe(
      'prior: 2024-06-03, 2 years 5 months earlier',
    );
    expect(opened('p5-ct-abdomen-current').stage.layout.viewports[1]?.label).toBe(
      'prior: 2026-05-19, 6 months earlier',
    );
  });

  it('hangs mammograms laterality-matched, right breast on the left, CC above MLO', () => {
    const { stage } = opened('p4-mg-screening-current');
    expect(stage.layout.rows).toBe(2);
    expect(stage.layout.columns).toBe(2);
    expect(stage.layout.syncGroups.map((g) => g.viewportIndexes)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    const match = rankProtocols(SHIPPED, caseOf('p4-mg-screening-current'))[0]!;
    const cc = hangMatchStage(match, 1, demoStudy('p4-mg-screening-current'))!;
    expect(described(cc.layout, caseOf('p4-mg-screening-current'))).toEqual([
      'current R CC',
      'current L CC',
      'prior R CC',
      'prior L CC',
    ]);
  });

  it('ranks every protocol that fits, the generic fallback last', () => {
    expect(rankProtocols(SHIPPED, caseOf('p1-ct-chest-current')).map((m) => m.protocol.id)).toEqual(
      ['ct-chest', 'generic'],
    );
  });
});

function study(overrides: Partial<HangingStudy>): HangingStudy {
  return { ...demoStudy('p1-ct-chest-current'), ...overrides };
}

describe('fallbacks', () => {
  it('hangs a study no protocol knows with the generic protocol, empty slots for missing series', () => {
    const us = study({
      studyInstanceUid: '2.25.1',
      modalities: ['US'],
      bodyPart: 'NECK',
      description: 'US THYROID',
      series: [
        {
          seriesInstanceUid: '2.25.2',
          seriesNumber: 1,
          modality: 'US',
          description: 'Thyroid',
          numberOfInstances: 12,
        },
      ],
    });
    const result = initialHanging(SHIPPED, { current: us, others: [] });
    expect(result?.stage.protocolId).toBe('generic');
    expect(result?.stage.stageId).toBe('current');
    expect(result?.stage.layout.viewports.map((v) => v?.seriesInstanceUid ?? null)).toEqual([
      '2.25.2',
      null,
      null,
      null,
    ]);
  });

  it('leaves a prior’s slot empty when the prior lacks that series, and unlinks it', () => {
    const studies = caseOf('p2-mr-brain-current');
    const prior = studies.others[0]!;
    const withoutFlair = {
      ...prior,
      series: prior.series.filter((s) => !/FLAIR/.test(s.description)),
    };
    const { stage } = {
      stage: initialHanging(SHIPPED, { ...studies, others: [withoutFlair] })!.stage,
    };
    expect(described(stage.layout, { ...studies, others: [withoutFlair] })).toEqual([
      'current AX T1 SE',
      'current AX T2 TSE',
      'current AX T2 FLAIR',
      'prior AX T1 SE',
      'prior AX T2 TSE',
      'empty',
    ]);
    expect(stage.layout.syncGroups.map((g) => g.id)).toEqual(['slices', 't1', 't2']);
    expect(stage.layout.syncGroups[0]?.viewportIndexes).toEqual([0, 1, 2, 3, 4]);
  });

  it('takes only earlier studies of the same modality and body part as priors, newest first', () => {
    const current = demoStudy('p1-ct-chest-current');
    const older = {
      ...demoStudy('p1-ct-chest-prior'),
      studyInstanceUid: '2.25.10',
      studyDate: '2024-01-05',
    };
    const abdomen = {
      ...demoStudy('p5-ct-abdomen-prior'),
      patientId: current.patientId,
      studyDate: '2026-10-01',
    };
    const later = {
      ...demoStudy('p1-ct-chest-prior'),
      studyInstanceUid: '2.25.11',
      studyDate: '2026-12-01',
    };
    const otherPatient = demoStudy('p6-ct-chest-screening-prior');
    const match = rankProtocols(SHIPPED, {
      current,
      others: [older, abdomen, later, otherPatient, demoStudy('p1-ct-chest-prior')],
    })[0]!;
    expect(match.priors.map((p) => p.studyDate)).toEqual(['2025-09-18', '2024-01-05']);
  });

  it('breaks a tie between protocols by the order they were given (saved ones first)', () => {
    const copy = (id: string): HangingProtocol => ({
      ...SHIPPED.find((p) => p.id === 'ct-chest')!,
      id,
    });
    const studies = caseOf('p1-ct-chest-current');
    expect(initialHanging([copy('first'), copy('second')], studies)?.stage.protocolId).toBe(
      'first',
    );
    expect(initialHanging([copy('second'), copy('first')], studies)?.stage.protocolId).toBe(
      'second',
    );
  });

  it('puts a stage’s second-display viewports on their own grid with their own sync indexes', () => {
    const base = SHIPPED.find((p) => p.id === 'ct-chest')!;
    const twoScreens = parseProtocol({
      id: 'two-screens',
      name: 'Two screens',
      stages: [
        {
          id: 'split',
          name: 'Split',
          grid: { rows: 1, columns: 1, viewports: [base.stages[0]!.grid.viewports[0]] },
          secondDisplay: { rows: 1, columns: 1, viewports: [base.stages[0]!.grid.viewports[1]] },
          syncGroups: [{ id: 'x', kinds: ['slice'], viewports: [0, 1] }],
        },
      ],
    });
    const stage = initialHanging([twoScreens], caseOf('p1-ct-chest-current'))!.stage;
    expect(stage.layout.viewports.map((v) => v?.role)).toEqual(['current']);
    expect(stage.secondDisplay?.viewports.map((v) => v?.role)).toEqual(['prior']);
    // One viewport per display: a cross-display group cannot be expressed per grid, so it is dropped.
    expect(stage.layout.syncGroups).toEqual([]);
  });
});

describe('saving the current hanging as a protocol', () => {
  it('hangs the same series in the same slots next time, ahead of the shipped protocol', () => {
    const studies = caseOf('p1-ct-chest-current');
    const [current, prior] = [studies.current, studies.others[0]!];
    // The reader swapped the sides and chose the mediastinal window on a 2×1 grid.
    const saved = protocolFromHanging(
      {
        rows: 2,
        columns: 1,
        viewports: [
          {
            studyInstanceUid: prior.studyInstanceUid,
            seriesInstanceUid: prior.series[0]!.seriesInstanceUid,
            voiPreset: 'Mediastinum',
          },
          {
            studyInstanceUid: current.studyInstanceUid,
            seriesInstanceUid: current.series[1]!.seriesInstanceUid,
            voiPreset: 'Mediastinum',
          },
        ],
        syncGroups: [{ id: 'linked', kinds: ['slice'], viewportIndexes: [0, 1] }],
      },
      studies,
      userProtocolId('My chest CT', 'abc'),
      'My chest CT',
    );
    expect(saved.id).toBe('user-my-chest-ct-abc');
    // Saved protocols are offered first; it must still win on score, not only on order.
    const stage = initialHanging([...SHIPPED, saved], studies)!.stage;
    expect(stage.protocolName).toBe('My chest CT');
    expect(described(stage.layout, studies)).toEqual([
      'prior Chest 2.0 Lung',
      'current Chest 5.0 Mediastinum',
    ]);
    expect(stage.layout.viewports.map((v) => v?.voiPreset)).toEqual(['Mediastinum', 'Mediastinum']);
    expect(stage.layout.syncGroups).toEqual([
      { id: 'linked', kinds: ['slice'], viewportIndexes: [0, 1] },
    ]);
    // and it survives the trip through a JSON file
    expect(parseProtocol(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
    // It does not capture an MR brain.
    expect(
      initialHanging([saved, ...SHIPPED], caseOf('p2-mr-brain-current'))!.stage.protocolId,
    ).toBe('mr-brain');
  });
});
