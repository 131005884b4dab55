// Small, real DICOM test data made with dcmjs: a few tiny studies for a handful of patients plus a
// demo manifest in the generator's format, so backend tests run in seconds without the full demo data.
// No vitest imports: e2e suites may use this too.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DemoManifest } from '../../shared/domain/demo-seed.ts';

/** The part of dcmjs used here, typed locally so every project that includes this file type-checks. */
interface DcmjsWriter {
  data: {
    DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
    DicomMetaDictionary: { denaturalizeDataset(dataset: Record<string, unknown>): unknown };
  };
  log: { setLevel(level: string): void };
}
const dcmjsModule: string = 'dcmjs';
const dcmjs = ((await import(dcmjsModule)) as { default: DcmjsWriter }).default;
dcmjs.log.setLevel('silent');

export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const IMPLICIT_LE = '1.2.840.10008.1.2';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const MR_IMAGE = '1.2.840.10008.5.1.4.1.1.4';
const CR_IMAGE = '1.2.840.10008.5.1.4.1.1.1';

export interface InstanceSpec {
  patientId: string;
  patientName: string;
  birthDate: string; // YYYYMMDD
  sex: string;
  studyUid: string;
  studyDate: string; // YYYYMMDD
  studyTime?: string;
  accession: string;
  studyDescription: string;
  seriesUid: string;
  seriesNumber: number;
  seriesDescription: string;
  modality: string;
  bodyPart: string;
  sopUid: string;
  instanceNumber: number;
  transferSyntaxUid?: string;
  /** pixel value filling the 8×8 image, so files differ */
  fill?: number;
}

/** One 8×8 16-bit image as a Part-10 file. */
export function makeDicom(spec: InstanceSpec): Buffer {
  const sopClassUid =
    spec.modality === 'MR' ? MR_IMAGE : spec.modality === 'CR' ? CR_IMAGE : CT_IMAGE;
  const transferSyntaxUid = spec.transferSyntaxUid ?? EXPLICIT_LE;
  const pixels = new Uint16Array(64).fill(spec.fill ?? spec.instanceNumber * 10);
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: sopClassUid,
    SOPInstanceUID: spec.sopUid,
    StudyDate: spec.studyDate,
    StudyTime: spec.studyTime ?? '101500',
    AccessionNumber: spec.accession,
    Modality: spec.modality,
    ReferringPhysicianName: 'Referrer^Rita',
    StudyDescription: spec.studyDescription,
    SeriesDescription: spec.seriesDescription,
    PatientName: spec.patientName,
    PatientID: spec.patientId,
    PatientBirthDate: spec.birthDate,
    PatientSex: spec.sex,
    BodyPartExamined: spec.bodyPart,
    StudyInstanceUID: spec.studyUid,
    SeriesInstanceUID: spec.seriesUid,
    StudyID: '1',
    SeriesNumber: spec.seriesNumber,
    InstanceNumber: spec.instanceNumber,
    ImagePositionPatient: [0, 0, spec.instanceNumber * 2.5],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    SliceThickness: 2.5,
    PixelSpacing: [0.7, 0.7],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: 8,
    Columns: 8,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    WindowCenter: 40,
    WindowWidth: 400,
    PixelData: pixels.buffer,
    _vrMap: { PixelData: 'OW' },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: spec.sopUid,
    TransferSyntaxUID: transferSyntaxUid,
    ImplementationClassUID: '2.25.1234567890',
    ImplementationVersionName: 'TANDEM_TEST',
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return Buffer.from(dict.write());
}

/** A deterministic UID under 2.25 (UUID-derived root) for fixture objects. */
export function fixtureUid(...parts: number[]): string {
  return `2.25.424242424242.${parts.join('.')}`;
}

interface SeriesPlan {
  modality: string;
  description: string;
  bodyPart: string;
  instances: number;
}
interface StudyPlan {
  key: string;
  patient: (typeof PATIENTS)[number];
  date: string;
  description: string;
  accession: string;
  series: SeriesPlan[];
  transferSyntaxUid?: string;
}

export const PATIENTS = [
  { patientId: 'PAT-001', patientName: 'Testpatient^Alice', birthDate: '1960-03-02', sex: 'F' },
  { patientId: 'PAT-002', patientName: 'Testpatient^Bruno', birthDate: '1955-07-14', sex: 'M' },
  { patientId: 'PAT-003', patientName: 'Testpatient^Chen', birthDate: '1980-01-01', sex: 'O' },
  { patientId: 'PAT-004', patientName: 'Testpatient^Dora', birthDate: '1971-11-23', sex: 'F' },
  { patientId: 'PAT-005', patientName: 'Testpatient^Emil', birthDate: '1990-06-30', sex: 'M' },
] as const;

const PLANS: StudyPlan[] = [
  {
    key: 'ctChest',
    patient: PATIENTS[0],
    date: '20240510',
    description: 'CT CHEST WITH CONTRAST',
    accession: 'ACC1001',
    series: [
      { modality: 'CT', description: 'Axial 2.5mm', bodyPart: 'CHEST', instances: 3 },
      { modality: 'CT', description: 'Coronal MPR', bodyPart: 'CHEST', instances: 2 },
    ],
  },
  {
    key: 'ctChestPrior',
    patient: PATIENTS[0],
    date: '20230509',
    description: 'CT CHEST',
    accession: 'ACC0901',
    series: [{ modality: 'CT', description: 'Axial 2.5mm', bodyPart: 'CHEST', instances: 2 }],
  },
  {
    key: 'mrBrain',
    patient: PATIENTS[1],
    date: '20240511',
    description: 'MR BRAIN',
    accession: 'ACC1002',
    series: [
      { modality: 'MR', description: 'T1 SAG', bodyPart: 'BRAIN', instances: 2 },
      { modality: 'MR', description: 'T2 AX', bodyPart: 'BRAIN', instances: 2 },
    ],
  },
  {
    key: 'ctAbdomenPrior',
    patient: PATIENTS[1],
    date: '20220101',
    description: 'CT ABDOMEN',
    accession: 'ACC0501',
    series: [{ modality: 'CT', description: 'Portal venous', bodyPart: 'ABDOMEN', instances: 1 }],
  },
  {
    key: 'crChest',
    patient: PATIENTS[2],
    date: '20240512',
    description: 'CR CHEST PA',
    accession: 'ACC1003',
    series: [{ modality: 'CR', description: 'PA', bodyPart: 'CHEST', instances: 1 }],
    transferSyntaxUid: IMPLICIT_LE,
  },
  {
    // A later study of the second-opinion patient: the blinded study is one of its priors.
    key: 'crChestFollowup',
    patient: PATIENTS[2],
    date: '20240601',
    description: 'CR CHEST FOLLOW-UP',
    accession: 'ACC1006',
    series: [{ modality: 'CR', description: 'PA', bodyPart: 'CHEST', instances: 1 }],
  },
  {
    key: 'ctHead',
    patient: PATIENTS[3],
    date: '20240513',
    description: 'CT HEAD',
    accession: 'ACC1004',
    series: [{ modality: 'CT', description: 'Axial brain', bodyPart: 'HEAD', instances: 2 }],
  },
  {
    key: 'crHand',
    patient: PATIENTS[4],
    date: '20240514',
    description: 'CR HAND',
    accession: 'ACC1005',
    series: [{ modality: 'CR', description: 'Hand PA', bodyPart: 'HAND', instances: 1 }],
  },
];

export type StudyKey =
  | 'ctChest'
  | 'ctChestPrior'
  | 'mrBrain'
  | 'ctAbdomenPrior'
  | 'crChest'
  | 'crChestFollowup'
  | 'ctHead'
  | 'crHand';

export interface FixtureInstance {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  file: string;
}

export interface FixtureDemoCache {
  dir: string;
  manifest: DemoManifest;
  studies: Record<StudyKey, { studyUid: string; patientId: string; instances: FixtureInstance[] }>;
}

/**
 * Writes `<dir>/dicom/<study>/<series>/<sop>.dcm` and `<dir>/demo-manifest.json` in the layout of
 * the demo data generator. radiologist1 gets a STAT CT (with a prior), two urgent cases and a
 * routine second opinion; radiologist2 an urgent MR (with a CT prior); qa1 a discordant pair.
 */
export function writeFixtureDemoCache(dir: string): FixtureDemoCache {
  const studies = {} as FixtureDemoCache['studies'];
  PLANS.forEach((plan, si) => {
    const studyUid = fixtureUid(1, si + 1);
    const instances: FixtureInstance[] = [];
    plan.series.forEach((series, ri) => {
      const seriesUid = fixtureUid(1, si + 1, ri + 1);
      for (let n = 1; n <= series.instances; n++) {
        const sopUid = fixtureUid(1, si + 1, ri + 1, n);
        const bytes = makeDicom({
          patientId: plan.patient.patientId,
          patientName: plan.patient.patientName,
          birthDate: plan.patient.birthDate.replace(/-/g, ''),
          sex: plan.patient.sex,
          studyUid,
          studyDate: plan.date,
          accession: plan.accession,
          studyDescription: plan.description,
          seriesUid,
          seriesNumber: ri + 1,
          seriesDescription: series.description,
          modality: series.modality,
          bodyPart: series.bodyPart,
          sopUid,
          instanceNumber: n,
          fill: si * 100 + ri * 10 + n,
          ...(plan.transferSyntaxUid ? { transferSyntaxUid: plan.transferSyntaxUid } : {}),
        });
        const file = path.join(dir, 'dicom', studyUid, seriesUid, `${sopUid}.dcm`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, bytes);
        instances.push({ studyUid, seriesUid, sopUid, file });
      }
    });
    studies[plan.key as StudyKey] = { studyUid, patientId: plan.patient.patientId, instances };
  });

  const uid = (k: StudyKey) => studies[k].studyUid;
  const context = (examDate: string, reason: string) => ({
    patientAge: '064Y',
    patientSex: 'F' as const,
    reasonForExam: reason,
    history: 'Synthetic test history.',
    examDate,
    referringPhysician: 'Dr. Rita Referrer',
  });
  const manifest: DemoManifest = {
    generatorVersion: 'backend-test-fixture-1',
    patients: PATIENTS.map((p) => ({ ...p, sex: p.sex as 'F' | 'M' | 'O' })),
    studies: PLANS.map((p) => ({
      studyInstanceUid: uid(p.key as StudyKey),
      patientId: p.patient.patientId,
      description: p.description,
      studyDate: `${p.date.slice(0, 4)}-${p.date.slice(4, 6)}-${p.date.slice(6)}`,
      transferSyntaxUid: p.transferSyntaxUid ?? EXPLICIT_LE,
      instanceCount: p.series.reduce((n, s) => n + s.instances, 0),
    })),
    reports: [
      report(
        'rep-ct-prior',
        uid('ctChestPrior'),
        'outside-reader',
        'Dr. Olga Outside',
        'No nodules.',
      ),
      report(
        'rep-cr-original',
        uid('crChest'),
        'outside-reader',
        'Dr. Olga Outside',
        'Clear lungs.',
      ),
      report('rep-head-original', uid('ctHead'), 'outside-reader', 'Dr. Olga Outside', 'No bleed.'),
      report('rep-mr-first', uid('mrBrain'), 'outside-reader', 'Dr. Olga Outside', 'Normal brain.'),
      report(
        'rep-mr-second',
        uid('mrBrain'),
        'second-reader',
        'Dr. Sam Second',
        'Small meningioma.',
      ),
    ],
    cases: [
      {
        caseId: 'case-ct-chest-stat',
        studyInstanceUid: uid('ctChest'),
        kind: 'first-read',
        priority: 'stat',
        dueInMinutes: 30,
        subspecialty: 'chest',
        assignee: 'radiologist1',
        context: context('2024-05-10', 'Growing nodule?'),
      },
      {
        caseId: 'case-cr-chest-second',
        studyInstanceUid: uid('crChest'),
        kind: 'second-opinion',
        priority: 'routine',
        dueInMinutes: 240,
        subspecialty: 'chest',
        assignee: 'radiologist1',
        context: context('2024-05-12', 'Second opinion requested'),
        originalReportId: 'rep-cr-original',
      },
      {
        caseId: 'case-cr-chest-followup',
        studyInstanceUid: uid('crChestFollowup'),
        kind: 'first-read',
        priority: 'routine',
        dueInMinutes: 600,
        subspecialty: 'chest',
        assignee: 'radiologist1',
        context: context('2024-06-01', 'Follow-up'),
      },
      {
        caseId: 'case-ct-head-peer',
        studyInstanceUid: uid('ctHead'),
        kind: 'peer-review',
        priority: 'urgent',
        dueInMinutes: 90,
        subspecialty: 'neuro',
        assignee: 'radiologist1',
        context: context('2024-05-13', 'Peer review'),
        originalReportId: 'rep-head-original',
      },
      {
        caseId: 'case-cr-hand-urgent',
        studyInstanceUid: uid('crHand'),
        kind: 'first-read',
        priority: 'urgent',
        dueInMinutes: -10,
        subspecialty: 'msk',
        assignee: 'radiologist1',
        context: context('2024-05-14', 'Fall on outstretched hand'),
      },
      {
        caseId: 'case-mr-brain-urgent',
        studyInstanceUid: uid('mrBrain'),
        kind: 'first-read',
        priority: 'urgent',
        dueInMinutes: 60,
        subspecialty: 'neuro',
        assignee: 'radiologist2',
        context: context('2024-05-11', 'Headache'),
      },
    ],
    discordantPairs: [
      {
        pairId: 'pair-mr-1',
        studyInstanceUid: uid('mrBrain'),
        firstReportId: 'rep-mr-first',
        secondReportId: 'rep-mr-second',
        seededDifferences: ['meningioma'],
      },
    ],
  };
  writeFileSync(path.join(dir, 'demo-manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir, manifest, studies };
}

function report(
  reportId: string,
  studyInstanceUid: string,
  author: string,
  authorDisplayName: string,
  text: string,
) {
  return {
    reportId,
    studyInstanceUid,
    author,
    authorDisplayName,
    signedAt: '2024-05-01T10:00:00Z',
    text,
  };
}
