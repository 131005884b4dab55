// Report fixtures for tests of shared/report and the backend's report routes: a filled CT chest
// report (for the shipped ct-chest template) with two measurements. Pure data, no I/O.
import type { Measurement } from '../../domain/measurement.ts';
import type { ReportContent, ReportDocument } from '../document.ts';

export function measurement(
  over: Partial<Measurement> & Pick<Measurement, 'annotationId'>,
): Measurement {
  return {
    caseId: 'case-1',
    kind: 'length',
    label: 'Nodule RUL',
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: '1.2.3.4',
    sopInstanceUid: '1.2.3.4.5',
    frameIndex: 0,
    imageIndex: 45,
    values: [{ name: 'length', value: 12.4, unit: 'mm' }],
    points: [
      [0, 0, 0],
      [12.4, 0, 0],
    ],
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

/** A complete CT chest report (every required field filled) with two measurements. */
export function ctChestContent(caseId = 'case-1', measurements?: Measurement[]): ReportContent {
  const ms = measurements ?? [
    measurement({ annotationId: 'a1', caseId }),
    measurement({
      annotationId: 'a2',
      caseId,
      kind: 'ellipse',
      label: 'Liver dome',
      sopInstanceUid: '1.2.3.4.6',
      imageIndex: 80,
      values: [
        { name: 'area', value: 153.94, unit: 'mm2' },
        { name: 'mean', value: 48.2, unit: "[hnsf'U]" },
      ],
    }),
  ];
  return {
    templateId: 'ct-chest',
    templateVersion: '1.0',
    caseId,
    values: {
      contrast: 'none',
      lungs: 'Solid nodule in the right upper lobe.',
      'nodule-present': 'solitary',
      'nodule-type': 'solid',
      'nodule-lobe': ['rul'],
      'nodule-size': 12.4,
      'nodule-measurements': ['a1'],
      fleischner: 'ct-3m-pet-biopsy',
    },
    measurements: ms,
    impression: 'Solitary solid pulmonary nodule, 12.4 mm, grown since the prior.',
    critical: null,
  };
}

export function reportDocument(
  content: ReportContent,
  over: Partial<ReportDocument> = {},
): ReportDocument {
  return {
    reportId: crypto.randomUUID(),
    caseId: content.caseId,
    author: { userId: 'u-1', displayName: 'Dr. Ada Lovelace' },
    signedAt: '2026-12-01T23:30:00.000Z',
    content,
    keyId: 'wk-1',
    ...over,
  };
}
