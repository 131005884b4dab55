import type { HangingSeries, HangingStudy } from '../protocol.ts';

/**
 * The twelve demo studies as the case detail describes them (StudySummary), transcribed from
 * scripts/demo-data/catalog.ts and its series builders (the shared layer may not import scripts):
 * modality, BodyPartExamined (the study's body part on every series), series descriptions and
 * numbers, image counts, ImageLaterality/ViewPosition of the projection images. UIDs are stand-ins
 * (the matcher only compares them).
 */
let nextUid = 1;
const uid = () => `2.25.900.${nextUid++}`;

interface SeriesFacts {
  number: number;
  modality: string;
  description: string;
  images: number;
  laterality?: string;
  viewPosition?: string;
}

function study(
  key: string,
  patientId: string,
  date: string,
  time: string,
  description: string,
  bodyPart: string,
  series: SeriesFacts[],
): HangingStudy & { key: string } {
  const hung: HangingSeries[] = series.map((s) => ({
    seriesInstanceUid: uid(),
    seriesNumber: s.number,
    modality: s.modality,
    description: s.description,
    bodyPart,
    numberOfInstances: s.images,
    ...(s.laterality ? { laterality: s.laterality } : {}),
    ...(s.viewPosition ? { viewPosition: s.viewPosition } : {}),
  }));
  return {
    key,
    studyInstanceUid: uid(),
    accessionNumber: `ACC-${key}`,
    studyDate: date,
    studyTime: time,
    description,
    modalities: [...new Set(series.map((s) => s.modality))],
    bodyPart,
    patientId,
    patientName: 'DEMO^PATIENT',
    numberOfInstances: series.reduce((n, s) => n + s.images, 0),
    series: hung,
  };
}

const mr = (prefix: string): SeriesFacts[] =>
  [
    { number: 3, modality: 'MR', description: 'AX T1 SE', images: 24 },
    { number: 4, modality: 'MR', description: 'AX T2 TSE', images: 24 },
    { number: 5, modality: 'MR', description: 'AX T2 FLAIR', images: 24 },
  ].map((s) => ({ ...s, description: prefix + s.description }));

const mg = (): SeriesFacts[] =>
  (
    [
      ['R', 'CC'],
      ['L', 'CC'],
      ['R', 'MLO'],
      ['L', 'MLO'],
    ] as const
  ).map(([laterality, view], k) => ({
    number: 71 + k,
    modality: 'MG',
    description: `${laterality} ${view}`,
    images: 1,
    laterality,
    viewPosition: view,
  }));

const cr = (): SeriesFacts[] => [
  { number: 1, modality: 'CR', description: 'Chest PA', images: 1, viewPosition: 'PA' },
  { number: 2, modality: 'CR', description: 'Chest Lateral', images: 1, viewPosition: 'LL' },
];

export const DEMO_STUDIES = [
  study(
    'p1-ct-chest-current',
    'TND-100001',
    '2026-11-23',
    '094210',
    'CT CHEST WITHOUT CONTRAST',
    'CHEST',
    [
      { number: 2, modality: 'CT', description: 'Chest 1.0 Lung', images: 320 },
      { number: 3, modality: 'CT', description: 'Chest 5.0 Mediastinum', images: 64 },
    ],
  ),
  study(
    'p1-ct-chest-prior',
    'TND-100001',
    '2025-09-18',
    '141530',
    'CT CHEST WITHOUT CONTRAST',
    'CHEST',
    [{ number: 2, modality: 'CT', description: 'Chest 2.0 Lung', images: 160 }],
  ),
  study(
    'p2-mr-brain-current',
    'TND-100002',
    '2026-11-22',
    '163005',
    'MR BRAIN WITHOUT CONTRAST',
    'HEAD',
    mr(''),
  ),
  study(
    'p2-mr-brain-prior',
    'TND-100002',
    '2025-11-14',
    '101240',
    'MR BRAIN WITHOUT CONTRAST',
    'HEAD',
    mr(''),
  ),
  study(
    'p3-cr-chest-current',
    'TND-100003',
    '2026-11-24',
    '075512',
    'XR CHEST PA AND LATERAL',
    'CHEST',
    cr(),
  ),
  study(
    'p3-cr-chest-prior',
    'TND-100003',
    '2024-06-03',
    '113020',
    'XR CHEST PA AND LATERAL',
    'CHEST',
    cr(),
  ),
  study(
    'p4-mg-screening-current',
    'TND-100004',
    '2026-11-20',
    '090845',
    'MG SCREENING BILATERAL',
    'BREAST',
    mg(),
  ),
  study(
    'p4-mg-screening-prior',
    'TND-100004',
    '2025-11-12',
    '084130',
    'MG SCREENING BILATERAL',
    'BREAST',
    mg(),
  ),
  study(
    'p5-ct-abdomen-current',
    'TND-100005',
    '2026-11-23',
    '132250',
    'CT ABDOMEN PELVIS WITH CONTRAST',
    'ABDOMEN',
    [{ number: 2, modality: 'CT', description: 'Abd/Pelvis 3.0 Portal venous', images: 140 }],
  ),
  study(
    'p5-ct-abdomen-prior',
    'TND-100005',
    '2026-05-19',
    '150410',
    'CT ABDOMEN PELVIS WITH CONTRAST',
    'ABDOMEN',
    [{ number: 2, modality: 'CT', description: 'Abd/Pelvis 5.0 Portal venous', images: 84 }],
  ),
  study(
    'p6-ct-chest-screening-current',
    'TND-100006',
    '2026-11-21',
    '111545',
    'CT CHEST LOW DOSE LUNG SCREENING',
    'CHEST',
    [{ number: 2, modality: 'CT', description: 'LDCT 3.0 Lung', images: 106 }],
  ),
  study(
    'p6-ct-chest-screening-prior',
    'TND-100006',
    '2025-11-17',
    '102030',
    'CT CHEST LOW DOSE LUNG SCREENING',
    'CHEST',
    [{ number: 2, modality: 'CT', description: 'LDCT 3.0 Lung', images: 106 }],
  ),
];

export function demoStudy(key: string): HangingStudy & { key: string } {
  const found = DEMO_STUDIES.find((s) => s.key === key);
  if (!found) throw new Error(`no demo study ${key}`);
  return found;
}

/** What the backend's case detail would list as a study's priors: every other study of the patient. */
export function othersOf(current: HangingStudy): HangingStudy[] {
  return DEMO_STUDIES.filter(
    (s) => s.patientId === current.patientId && s.studyInstanceUid !== current.studyInstanceUid,
  );
}
