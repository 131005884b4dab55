// Bench-size data, separate from the demo data the e2e tests use: a 1,000-image MR, a
// 1,500-image CT, a worklist of 50 cases with priors and 100 small cases to sign reports on. Written
// into a directory of its own (`.cache/bench-data` by default) in the demo generator's layout
// (`dicom/<study>/<series>/<sop>.dcm` and `demo-manifest.json`), so the backend seeds it with
// `--seed demo` and `TANDEM_DEMO_CACHE` pointing there (`TANDEM_DEMO_SKIP_GENERATE=1`). Pixels are
// synthetic (a disc that changes size from slice to slice): the figures need realistic sizes and
// counts, not anatomy.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { DemoManifest } from '../../shared/domain/demo-seed.ts';
import { CT_IMAGE_STORAGE, writePart10, type Element } from '../qido/part10-writer.ts';

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Bump when what is written changes: a data set of another version is written again. */
export const BENCH_DATA_VERSION = 'bench-data.1';

export interface SeriesPlan {
  modality: 'CT' | 'MR';
  description: string;
  bodyPart: string;
  images: number;
  size: number;
}

export interface StudyPlan {
  key: string;
  patientId: string;
  description: string;
  /** YYYY-MM-DD */
  date: string;
  series: SeriesPlan[];
}

export interface CasePlan {
  caseId: string;
  studyKey: string;
  assignee: string;
  priority: 'stat' | 'urgent' | 'routine';
  subspecialty: string;
}

export interface BenchDataPlan {
  studies: StudyPlan[];
  cases: CasePlan[];
}

export interface BenchDataSizes {
  mrImages: number;
  ctImages: number;
  worklistCases: number;
  imagesPerWorklistStudy: number;
  reportCases: number;
}

export const BENCH_DATA_SIZES: BenchDataSizes = {
  mrImages: 1000,
  ctImages: 1500,
  worklistCases: 50,
  imagesPerWorklistStudy: 12,
  reportCases: 110,
};

/**
 * The report figures' own data set (`.cache/bench-reports`, about 2 MB): only one-image cases to
 * sign, enough for the reports signed in the editor and three outbox drains of 100 (the backend
 * takes one report per case), so the drains repeat without the 1.1 GB sync of the data above.
 */
export const REPORT_DATA_SIZES: BenchDataSizes = {
  mrImages: 0,
  ctImages: 0,
  worklistCases: 0,
  imagesPerWorklistStudy: 0,
  reportCases: 310,
};

/**
 * The sync figure as asked, "a 300-slice CT" (`.cache/bench-ct-alone`, about 160 MB): its
 * reader's only case, one study of one 300-image series, so its sync brings nothing else.
 */
export const CT_ALONE_SIZES: BenchDataSizes = {
  mrImages: 0,
  ctImages: 300,
  worklistCases: 0,
  imagesPerWorklistStudy: 0,
  reportCases: 0,
};

/** Who reads what: the large series and the report cases are radiologist1's, the worklist radiologist2's. */
export const BENCH_READERS = { large: 'radiologist1', worklist: 'radiologist2' } as const;
export const MR_CASE_ID = 'bench-mr-1000';
/** The CT case of a data set whose CT has `images` images. */
export const ctCaseId = (images: number) => `bench-ct-${images}`;
export const CT_LARGE_CASE_ID = ctCaseId(BENCH_DATA_SIZES.ctImages);
export const worklistCaseId = (i: number) => `bench-worklist-${String(i + 1).padStart(3, '0')}`;
export const reportCaseId = (i: number) => `bench-report-${String(i + 1).padStart(3, '0')}`;

/** What the data set holds (pure: the studies, their series and the cases over them). */
export function benchDataPlan(sizes: BenchDataSizes): BenchDataPlan {
  const studies: StudyPlan[] = [];
  const cases: CasePlan[] = [];
  if (sizes.mrImages > 0) {
    studies.push({
      key: 'mr',
      patientId: 'BENCH-MR',
      description: 'MR BRAIN WITHOUT CONTRAST',
      date: '2026-11-20',
      series: [
        {
          modality: 'MR',
          description: 'T1 3D',
          bodyPart: 'HEAD',
          images: sizes.mrImages,
          size: 256,
        },
      ],
    });
    cases.push({
      caseId: MR_CASE_ID,
      studyKey: 'mr',
      assignee: BENCH_READERS.large,
      priority: 'stat',
      subspecialty: 'neuro',
    });
  }
  if (sizes.ctImages > 0) {
    studies.push({
      key: 'ct',
      patientId: 'BENCH-CT',
      description: 'CT CHEST ABDOMEN PELVIS',
      date: '2026-11-20',
      series: [
        {
          modality: 'CT',
          description: 'Thin 0.6 mm',
          bodyPart: 'CHEST',
          images: sizes.ctImages,
          size: 512,
        },
      ],
    });
    cases.push({
      caseId: ctCaseId(sizes.ctImages),
      studyKey: 'ct',
      assignee: BENCH_READERS.large,
      priority: 'urgent',
      subspecialty: 'body',
    });
  }
  for (let i = 0; i < sizes.worklistCases; i++) {
    const patientId = `BENCH-WL-${String(i + 1).padStart(3, '0')}`;
    for (const [key, date] of [
      ['current', '2026-11-19'],
      ['prior', '2025-10-02'],
    ] as const) {
      studies.push({
        key: `wl-${i}-${key}`,
        patientId,
        description: 'CT CHEST WITHOUT CONTRAST',
        date,
        series: [
          {
            modality: 'CT',
            description: 'Chest 5.0',
            bodyPart: 'CHEST',
            images: sizes.imagesPerWorklistStudy,
            size: 256,
          },
        ],
      });
    }
    cases.push({
      caseId: worklistCaseId(i),
      studyKey: `wl-${i}-current`,
      assignee: BENCH_READERS.worklist,
      priority: 'routine',
      subspecialty: 'chest',
    });
  }
  for (let i = 0; i < sizes.reportCases; i++) {
    studies.push({
      key: `report-${i}`,
      patientId: `BENCH-RP-${String(i + 1).padStart(3, '0')}`,
      description: 'CR CHEST',
      date: '2026-11-18',
      series: [{ modality: 'CT', description: 'Scout', bodyPart: 'CHEST', images: 1, size: 64 }],
    });
    cases.push({
      caseId: reportCaseId(i),
      studyKey: `report-${i}`,
      assignee: BENCH_READERS.large,
      priority: 'routine',
      subspecialty: 'chest',
    });
  }
  return { studies, cases };
}

/** Deterministic UIDs (2.25 + a decimal number), so a rewritten data set has the same ones. */
export function benchUid(...parts: Array<string | number>): string {
  let h = 1469598103934665603n;
  for (const ch of parts.join('/')) {
    h ^= BigInt(ch.charCodeAt(0));
    h = (h * 1099511628211n) & ((1n << 120n) - 1n);
  }
  return `2.25.${h.toString(10)}`;
}

/** A slice of synthetic 16-bit pixels: a disc whose radius follows the slice, on a dark field. */
export function slicePixels(size: number, index: number, count: number): Uint8Array {
  const out = new Uint8Array(size * size * 2);
  const view = new DataView(out.buffer);
  const c = size / 2;
  const r = size * (0.15 + 0.3 * Math.sin((Math.PI * (index + 0.5)) / Math.max(1, count)));
  const r2 = r * r;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d2 = (x - c) * (x - c) + (y - c) * (y - c);
      const v = d2 < r2 ? 1100 + ((x + y + index) & 63) : 24 + ((x * 7 + y * 3) & 15);
      view.setUint16((y * size + x) * 2, v, true);
    }
  }
  return out;
}

interface Written {
  dir: string;
  manifest: DemoManifest;
  bytes: number;
  files: number;
}

/** Writes the data set into `dir` unless a data set of this version and these sizes is there. */
export function ensureBenchData(
  dir: string,
  sizes: BenchDataSizes,
  log: (line: string) => void,
): Written {
  const manifestPath = path.join(dir, 'demo-manifest.json');
  const version = `${BENCH_DATA_VERSION}:${JSON.stringify(sizes)}`;
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as DemoManifest;
    if (manifest.generatorVersion === version) {
      return { dir, manifest, bytes: 0, files: 0 };
    }
  }
  log(`writing bench data (${JSON.stringify(sizes)}) into ${dir}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const plan = benchDataPlan(sizes);
  let bytes = 0;
  let files = 0;
  const patients = new Map<string, DemoManifest['patients'][number]>();
  const studies: DemoManifest['studies'] = [];
  const studyUidOf = new Map<string, string>();
  for (const study of plan.studies) {
    const studyUid = benchUid(version, study.key);
    studyUidOf.set(study.key, studyUid);
    const patientName = `BENCH^${study.patientId.replaceAll('-', '')}`;
    patients.set(study.patientId, {
      patientId: study.patientId,
      patientName,
      birthDate: '1960-01-01',
      sex: 'O',
    });
    const studyElements: Element[] = [
      { tag: '00080020', vr: 'DA', value: study.date.replaceAll('-', '') },
      { tag: '00080030', vr: 'TM', value: '093000' },
      { tag: '00080050', vr: 'SH', value: `B${files % 100000}` },
      { tag: '00080090', vr: 'PN', value: 'REFERRER^BENCH' },
      { tag: '00081030', vr: 'LO', value: study.description },
      { tag: '00100010', vr: 'PN', value: patientName },
      { tag: '00100020', vr: 'LO', value: study.patientId },
      { tag: '00100030', vr: 'DA', value: '19600101' },
      { tag: '00100040', vr: 'CS', value: 'O' },
      { tag: '0020000D', vr: 'UI', value: studyUid },
      { tag: '00200010', vr: 'SH', value: '1' },
    ];
    let instanceCount = 0;
    study.series.forEach((series, s) => {
      const seriesUid = benchUid(version, study.key, s);
      const frameOfReference = benchUid(version, study.key, 'for');
      const seriesDir = path.join(tmp, 'dicom', studyUid, seriesUid);
      mkdirSync(seriesDir, { recursive: true });
      const sopClass = series.modality === 'MR' ? MR_IMAGE_STORAGE : CT_IMAGE_STORAGE;
      const spacing = series.modality === 'MR' ? 1 : 0.6;
      const pixelSpacing = ((series.modality === 'MR' ? 240 : 350) / series.size).toFixed(4);
      const seriesElements: Element[] = [
        { tag: '00080060', vr: 'CS', value: series.modality },
        { tag: '0008103E', vr: 'LO', value: series.description },
        { tag: '00180015', vr: 'CS', value: series.bodyPart },
        { tag: '00180050', vr: 'DS', value: String(spacing) },
        { tag: '0020000E', vr: 'UI', value: seriesUid },
        { tag: '00200011', vr: 'IS', value: String(s + 1) },
        { tag: '00200052', vr: 'UI', value: frameOfReference },
      ];
      for (let i = 0; i < series.images; i++) {
        const sopUid = benchUid(version, study.key, s, i);
        const elements: Element[] = [
          ...studyElements,
          ...seriesElements,
          { tag: '00080008', vr: 'CS', value: ['ORIGINAL', 'PRIMARY', 'AXIAL'] },
          { tag: '00080016', vr: 'UI', value: sopClass },
          { tag: '00080018', vr: 'UI', value: sopUid },
          { tag: '00200013', vr: 'IS', value: String(i + 1) },
          { tag: '00200032', vr: 'DS', value: ['-175', '-175', (-i * spacing).toFixed(2)] },
          { tag: '00200037', vr: 'DS', value: ['1', '0', '0', '0', '1', '0'] },
          { tag: '00280002', vr: 'US', value: 1 },
          { tag: '00280004', vr: 'CS', value: 'MONOCHROME2' },
          { tag: '00280010', vr: 'US', value: series.size },
          { tag: '00280011', vr: 'US', value: series.size },
          { tag: '00280030', vr: 'DS', value: [pixelSpacing, pixelSpacing] },
          { tag: '00280100', vr: 'US', value: 16 },
          { tag: '00280101', vr: 'US', value: 12 },
          { tag: '00280102', vr: 'US', value: 11 },
          { tag: '00280103', vr: 'US', value: 0 },
          { tag: '00281050', vr: 'DS', value: series.modality === 'MR' ? '600' : '40' },
          { tag: '00281051', vr: 'DS', value: series.modality === 'MR' ? '1200' : '400' },
          { tag: '00281052', vr: 'DS', value: series.modality === 'MR' ? '0' : '-1024' },
          { tag: '00281053', vr: 'DS', value: '1' },
          { tag: '7FE00010', vr: 'OW', value: slicePixels(series.size, i, series.images) },
        ];
        const file = writePart10(sopClass, sopUid, elements);
        writeFileSync(path.join(seriesDir, `${sopUid}.dcm`), file);
        bytes += file.length;
        files++;
        instanceCount++;
      }
    });
    studies.push({
      studyInstanceUid: studyUid,
      patientId: study.patientId,
      description: study.description,
      studyDate: study.date,
      transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
      instanceCount,
    });
  }
  const manifest: DemoManifest = {
    generatorVersion: version,
    patients: [...patients.values()],
    studies,
    reports: [],
    cases: plan.cases.map((c) => ({
      caseId: c.caseId,
      studyInstanceUid: studyUidOf.get(c.studyKey)!,
      kind: 'first-read',
      priority: c.priority,
      dueInMinutes: 240,
      subspecialty: c.subspecialty,
      assignee: c.assignee,
      context: {
        patientAge: '066Y',
        patientSex: 'O',
        reasonForExam: 'Bench case (synthetic images).',
        history: 'None.',
        examDate: plan.studies.find((s) => s.key === c.studyKey)!.date,
        referringPhysician: 'Dr. Bench',
      },
    })),
    discordantPairs: [],
  };
  writeFileSync(path.join(tmp, 'demo-manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  renameSync(tmp, dir);
  log(`bench data written: ${files} files, ${(bytes / 1e6).toFixed(0)} MB`);
  return { dir, manifest, bytes, files };
}
