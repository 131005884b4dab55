import { TRANSFER_SYNTAX } from './dicom-file.ts';
import { PHANTOM_FACTS } from './phantom-facts.ts';
import { abdomenScene } from './phantoms/ct-abdomen.ts';
import { chestScene } from './phantoms/ct-chest.ts';
import { chestLateral, chestPa } from './phantoms/cr-chest.ts';
import { mammogram } from './phantoms/mammo.ts';
import { brainScene } from './phantoms/mr-brain.ts';
import type { BrainScene } from './phantoms/mr-brain.ts';
import { ctAxialSeries } from './series/ct-series.ts';
import { mrAxialSeries } from './series/mr-series.ts';
import { crSeries, mgSeries } from './series/projection-series.ts';
import { studyUid } from './study-plan.ts';
import type { PatientInfo, Referrer, StudyPlan } from './study-plan.ts';
import { demoUid } from './uids.ts';

/** The demo patients. Names and identifiers are fictitious. */
export const PATIENTS = {
  p1: {
    patientId: 'TND-100001',
    dicomName: 'HOLLOWAY^ARTHUR',
    birthDate: '1959-03-08',
    sex: 'M',
    weightKg: 84,
    heightM: 1.78,
  },
  p2: {
    patientId: 'TND-100002',
    dicomName: 'MARSH^ELENA',
    birthDate: '1990-07-21',
    sex: 'F',
    weightKg: 63,
    heightM: 1.68,
  },
  p3: {
    patientId: 'TND-100003',
    dicomName: 'MWANGI^SAMUEL',
    birthDate: '1978-01-30',
    sex: 'M',
    weightKg: 91,
    heightM: 1.83,
  },
  p4: {
    patientId: 'TND-100004',
    dicomName: 'LINDQVIST^INGRID',
    birthDate: '1969-05-04',
    sex: 'F',
    weightKg: 70,
    heightM: 1.71,
  },
  p5: {
    patientId: 'TND-100005',
    dicomName: 'PRESCOTT^DONALD',
    birthDate: '1952-10-11',
    sex: 'M',
    weightKg: 77,
    heightM: 1.75,
  },
  p6: {
    patientId: 'TND-100006',
    dicomName: 'NAKAMURA^YUKI',
    birthDate: '1963-02-14',
    sex: 'F',
    weightKg: 58,
    heightM: 1.6,
  },
} as const satisfies Record<string, PatientInfo>;

export const REFERRERS = {
  kowalski: { dicomName: 'KOWALSKI^MARTA^^DR', displayName: 'Dr. Marta Kowalski' },
  hargreaves: { dicomName: 'HARGREAVES^PATRICK^^DR', displayName: 'Dr. Patrick Hargreaves' },
  osei: { dicomName: 'OSEI^AKOSUA^^DR', displayName: 'Dr. Akosua Osei' },
  villanueva: { dicomName: 'VILLANUEVA^RAMON^^DR', displayName: 'Dr. Ramon Villanueva' },
  fischer: { dicomName: 'FISCHER^LENA^^DR', displayName: 'Dr. Lena Fischer' },
  emergency: {
    dicomName: 'ADEYEMI^TOBI^^DR',
    displayName: 'Dr. Tobi Adeyemi (Emergency Department)',
  },
} as const satisfies Record<string, Referrer>;

function study(
  key: string,
  fields: Omit<StudyPlan, 'key' | 'uid' | 'frameOfReferenceUid' | 'studyId' | 'series'> & {
    series: (s: StudyPlan) => StudyPlan['series'];
  },
): StudyPlan {
  const plan: StudyPlan = {
    ...fields,
    key,
    uid: studyUid(key),
    frameOfReferenceUid: demoUid(`frame-of-reference/${key}`),
    studyId: String(1 + (key.length % 9)),
    series: [],
  };
  plan.series = fields.series(plan);
  return plan;
}

const CT_CHEST_WINDOWS = [
  { centre: -600, width: 1500, name: 'LUNG' },
  { centre: 40, width: 400, name: 'MEDIASTINUM' },
];
const CT_SOFT_TISSUE_WINDOWS = [
  { centre: 40, width: 400, name: 'MEDIASTINUM' },
  { centre: -600, width: 1500, name: 'LUNG' },
];
const CT_ABDOMEN_WINDOWS = [
  { centre: 50, width: 400, name: 'ABDOMEN' },
  { centre: 90, width: 160, name: 'LIVER' },
  { centre: 500, width: 2000, name: 'BONE' },
];

/** Memoizes a phantom factory, so each worker builds a phantom once. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

type ChestStudy = {
  firstZ: number;
  spacing: number;
  thickness: number;
  count: number;
  noise: number;
};

function chestSeries(
  key: string,
  number: number,
  description: string,
  scene: () => ReturnType<typeof chestScene>,
  time: string,
  g: ChestStudy,
  kernel: string,
  windows = CT_CHEST_WINDOWS,
  ctdiVol?: number,
) {
  return ctAxialSeries({
    key,
    number,
    description,
    scene,
    firstZ: g.firstZ,
    spacing: g.spacing,
    thickness: g.thickness,
    count: g.count,
    noiseSd: g.noise,
    kernel,
    windows,
    time,
    ...(ctdiVol !== undefined ? { ctdiVol } : {}),
  });
}

/** Every study of the demo, in a fixed order. */
export function buildCatalog(): StudyPlan[] {
  const chest = PHANTOM_FACTS.ctChest;
  const insert = {
    centre: chest.calibrationInsert.centreMm,
    radius: chest.calibrationInsert.radiusMm,
    hu: chest.calibrationInsert.hu,
  };
  const p1Scene = (diameter: number) =>
    once(() =>
      chestScene({
        anatomySeed: 'p1-chest',
        nodules: [{ centre: chest.nodule.centreMm, diameter, hu: chest.nodule.hu }],
        calibrationInsert: insert,
      }),
    );
  const p1Current = p1Scene(chest.nodule.currentDiameterMm);
  const p1Prior = p1Scene(chest.nodule.priorDiameterMm);

  const brain = PHANTOM_FACTS.mrBrain;
  const stable = brain.stableLesions.map((l) => ({ centre: l.centreMm, diameter: l.diameterMm }));
  const brainCurrent = once(() =>
    brainScene({
      lesions: [
        ...stable,
        { centre: brain.newLesion.centreMm, diameter: brain.newLesion.diameterMm },
      ],
    }),
  );
  const brainPrior = once(() => brainScene({ lesions: stable }));
  const mrSeries = (study: string, scene: () => BrainScene, time: string, firstZ: number) =>
    (['T1', 'T2', 'FLAIR'] as const).map((sequence, k) =>
      mrAxialSeries({
        key: `${study}/${sequence.toLowerCase()}`,
        number: 3 + k,
        description: `AX ${sequence === 'T1' ? 'T1 SE' : sequence === 'T2' ? 'T2 TSE' : 'T2 FLAIR'}`,
        sequence,
        scene,
        firstZ,
        spacing: 6,
        thickness: 5,
        count: 24,
        time,
      }),
    );

  const cr = PHANTOM_FACTS.crChest;
  const crOptions = (consolidation: boolean) => ({
    seed: 'p3-chest',
    ...(consolidation
      ? {
          consolidation: {
            centre: cr.consolidation.centreImageMm,
            radius: cr.consolidation.radiusMm,
          },
        }
      : {}),
  });

  const mass = PHANTOM_FACTS.mammography.mass;
  const mgViews = (study: string, time: string, current: boolean) =>
    (
      [
        ['R', 'CC'],
        ['L', 'CC'],
        ['R', 'MLO'],
        ['L', 'MLO'],
      ] as const
    ).map(([laterality, view], k) =>
      mgSeries({
        key: `${study}/${laterality.toLowerCase()}${view.toLowerCase()}`,
        number: 71 + k,
        laterality,
        view,
        time,
        breastThicknessMm: view === 'CC' ? 52 : 56,
        render: () =>
          mammogram({
            breastSeed: `p4-breast-${laterality}`,
            laterality,
            view,
            positioningShiftMm: current ? [0, 0] : [-3, 2],
            ...(laterality === mass.laterality
              ? {
                  lesion: {
                    depthFromNipple: mass.depthFromNippleMm,
                    lateral: mass.lateralMm,
                    superior: mass.superiorMm,
                    diameter: current ? mass.currentDiameterMm : mass.priorAsymmetryDiameterMm,
                    kind: current ? ('spiculated-mass' as const) : ('asymmetry' as const),
                  },
                }
              : {}),
          }),
      }),
    );

  const abd = PHANTOM_FACTS.ctAbdomen;
  const abdScene = (lesionDiameter: number) =>
    once(() =>
      abdomenScene({
        anatomySeed: 'p5-abdomen',
        liverLesion: { centre: abd.liverLesion.centreMm, diameter: lesionDiameter },
        renalCyst: { centre: abd.renalCyst.centreMm, diameter: abd.renalCyst.diameterMm },
      }),
    );
  const contrast = { agent: 'IOHEXOL 350', route: 'IV', volumeMl: 90 };

  const screening = PHANTOM_FACTS.ctChestScreening;
  const p6Scene = once(() =>
    chestScene({
      anatomySeed: 'p6-chest',
      extraFat: 6,
      nodules: [
        {
          centre: screening.nodule.centreMm,
          diameter: screening.nodule.currentDiameterMm,
          hu: screening.nodule.hu,
        },
      ],
    }),
  );

  return [
    study('p1-ct-chest-current', {
      patient: PATIENTS.p1,
      accessionNumber: 'TDM26112301',
      date: '2026-11-23',
      time: '094210',
      description: 'CT CHEST WITHOUT CONTRAST',
      bodyPart: 'CHEST',
      referrer: REFERRERS.kowalski,
      transferSyntax: TRANSFER_SYNTAX.explicitLittleEndian,
      series: (s) => [
        chestSeries(
          'p1-ct-chest-current/lung',
          2,
          'Chest 1.0 Lung',
          p1Current,
          s.time,
          {
            firstZ: chest.current.firstZMm,
            spacing: chest.current.spacingMm,
            thickness: chest.current.sliceThicknessMm,
            count: chest.current.slices,
            noise: chest.current.noiseSdHu,
          },
          'B60f',
        ),
        chestSeries(
          'p1-ct-chest-current/mediastinum',
          3,
          'Chest 5.0 Mediastinum',
          p1Current,
          s.time,
          { firstZ: -12, spacing: 5, thickness: 5, count: 64, noise: 6 },
          'B30f',
          CT_SOFT_TISSUE_WINDOWS,
        ),
      ],
    }),
    study('p1-ct-chest-prior', {
      patient: PATIENTS.p1,
      accessionNumber: 'TDM25091804',
      date: '2025-09-18',
      time: '141530',
      description: 'CT CHEST WITHOUT CONTRAST',
      bodyPart: 'CHEST',
      referrer: REFERRERS.kowalski,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => [
        chestSeries(
          'p1-ct-chest-prior/lung',
          2,
          'Chest 2.0 Lung',
          p1Prior,
          s.time,
          {
            firstZ: chest.prior.firstZMm,
            spacing: chest.prior.spacingMm,
            thickness: chest.prior.sliceThicknessMm,
            count: chest.prior.slices,
            noise: chest.prior.noiseSdHu,
          },
          'B60f',
        ),
      ],
    }),
    study('p2-mr-brain-current', {
      patient: PATIENTS.p2,
      accessionNumber: 'TDM26112207',
      date: '2026-11-22',
      time: '163005',
      description: 'MR BRAIN WITHOUT CONTRAST',
      bodyPart: 'HEAD',
      referrer: REFERRERS.osei,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => mrSeries('p2-mr-brain-current', brainCurrent, s.time, -12),
    }),
    study('p2-mr-brain-prior', {
      patient: PATIENTS.p2,
      accessionNumber: 'TDM25111403',
      date: '2025-11-14',
      time: '101240',
      description: 'MR BRAIN WITHOUT CONTRAST',
      bodyPart: 'HEAD',
      referrer: REFERRERS.osei,
      transferSyntax: TRANSFER_SYNTAX.implicitLittleEndian,
      series: (s) => mrSeries('p2-mr-brain-prior', brainPrior, s.time, -10),
    }),
    study('p3-cr-chest-current', {
      patient: PATIENTS.p3,
      accessionNumber: 'TDM26112411',
      date: '2026-11-24',
      time: '075512',
      description: 'XR CHEST PA AND LATERAL',
      bodyPart: 'CHEST',
      referrer: REFERRERS.emergency,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => [
        crSeries({
          key: 'p3-cr-chest-current/pa',
          number: 1,
          view: 'PA',
          time: s.time,
          render: () => chestPa(crOptions(true)),
        }),
        crSeries({
          key: 'p3-cr-chest-current/lat',
          number: 2,
          view: 'LL',
          time: s.time,
          render: () => chestLateral(crOptions(true)),
        }),
      ],
    }),
    study('p3-cr-chest-prior', {
      patient: PATIENTS.p3,
      accessionNumber: 'TDM24060318',
      date: '2024-06-03',
      time: '113020',
      description: 'XR CHEST PA AND LATERAL',
      bodyPart: 'CHEST',
      referrer: REFERRERS.hargreaves,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => [
        crSeries({
          key: 'p3-cr-chest-prior/pa',
          number: 1,
          view: 'PA',
          time: s.time,
          render: () => chestPa(crOptions(false)),
        }),
        crSeries({
          key: 'p3-cr-chest-prior/lat',
          number: 2,
          view: 'LL',
          time: s.time,
          render: () => chestLateral(crOptions(false)),
        }),
      ],
    }),
    study('p4-mg-screening-current', {
      patient: PATIENTS.p4,
      accessionNumber: 'TDM26112005',
      date: '2026-11-20',
      time: '090845',
      description: 'MG SCREENING BILATERAL',
      bodyPart: 'BREAST',
      referrer: REFERRERS.fischer,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => mgViews('p4-mg-screening-current', s.time, true),
    }),
    study('p4-mg-screening-prior', {
      patient: PATIENTS.p4,
      accessionNumber: 'TDM25111209',
      date: '2025-11-12',
      time: '084130',
      description: 'MG SCREENING BILATERAL',
      bodyPart: 'BREAST',
      referrer: REFERRERS.fischer,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => mgViews('p4-mg-screening-prior', s.time, false),
    }),
    study('p5-ct-abdomen-current', {
      patient: PATIENTS.p5,
      accessionNumber: 'TDM26112314',
      date: '2026-11-23',
      time: '132250',
      description: 'CT ABDOMEN PELVIS WITH CONTRAST',
      bodyPart: 'ABDOMEN',
      referrer: REFERRERS.villanueva,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => [
        ctAxialSeries({
          key: 'p5-ct-abdomen-current/portal',
          number: 2,
          description: 'Abd/Pelvis 3.0 Portal venous',
          scene: abdScene(abd.liverLesion.currentDiameterMm),
          firstZ: -178,
          spacing: 3,
          thickness: 3,
          count: 140,
          noiseSd: 11,
          kernel: 'B30f',
          windows: CT_ABDOMEN_WINDOWS,
          contrast,
          time: s.time,
          ctdiVol: 11.2,
        }),
      ],
    }),
    study('p5-ct-abdomen-prior', {
      patient: PATIENTS.p5,
      accessionNumber: 'TDM26051902',
      date: '2026-05-19',
      time: '150410',
      description: 'CT ABDOMEN PELVIS WITH CONTRAST',
      bodyPart: 'ABDOMEN',
      referrer: REFERRERS.villanueva,
      transferSyntax: TRANSFER_SYNTAX.explicitLittleEndian,
      series: (s) => [
        ctAxialSeries({
          key: 'p5-ct-abdomen-prior/portal',
          number: 2,
          description: 'Abd/Pelvis 5.0 Portal venous',
          scene: abdScene(abd.liverLesion.priorDiameterMm),
          firstZ: -180,
          spacing: 5,
          thickness: 5,
          count: 84,
          noiseSd: 9,
          kernel: 'B30f',
          windows: CT_ABDOMEN_WINDOWS,
          contrast,
          time: s.time,
          signed: true,
          ctdiVol: 10.6,
        }),
      ],
    }),
    study('p6-ct-chest-screening-current', {
      patient: PATIENTS.p6,
      accessionNumber: 'TDM26112109',
      date: '2026-11-21',
      time: '111545',
      description: 'CT CHEST LOW DOSE LUNG SCREENING',
      bodyPart: 'CHEST',
      referrer: REFERRERS.hargreaves,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => [
        chestSeries(
          'p6-ct-chest-screening-current/lung',
          2,
          'LDCT 3.0 Lung',
          p6Scene,
          s.time,
          { firstZ: -12, spacing: 3, thickness: 3, count: 106, noise: 18 },
          'B50f',
          CT_CHEST_WINDOWS,
          1.4,
        ),
      ],
    }),
    study('p6-ct-chest-screening-prior', {
      patient: PATIENTS.p6,
      accessionNumber: 'TDM25111707',
      date: '2025-11-17',
      time: '102030',
      description: 'CT CHEST LOW DOSE LUNG SCREENING',
      bodyPart: 'CHEST',
      referrer: REFERRERS.hargreaves,
      transferSyntax: TRANSFER_SYNTAX.jpegLsLossless,
      series: (s) => [
        chestSeries(
          'p6-ct-chest-screening-prior/lung',
          2,
          'LDCT 3.0 Lung',
          p6Scene,
          s.time,
          { firstZ: -13.5, spacing: 3, thickness: 3, count: 106, noise: 18 },
          'B50f',
          CT_CHEST_WINDOWS,
          1.5,
        ),
      ],
    }),
  ];
}
