import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoManifest } from '../../shared/domain/demo-seed.ts';
import { buildCatalog } from './catalog.ts';
import { TRANSFER_SYNTAX } from './dicom-file.ts';
import { generateDemoData, GENERATOR_VERSION, MANIFEST_FILE } from './generate.ts';
import type { GenerateResult } from './generate.ts';
import { decodeJpegLs } from './jpeg-ls.ts';
import { PHANTOM_FACTS } from './phantom-facts.ts';
import { instancePath, JobRunner } from './render-job.ts';
import { instanceUid } from './study-plan.ts';
import type { StudyPlan } from './study-plan.ts';

// Implicit VR files leave Pixel Data's VR to the reader, which dcmjs logs as an error; it is not one.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared, gitignored cache that the backend's tests seed from too. */
const CACHE_DIR = path.join(repoRoot, '.cache/demo-data');

interface ParsedFile {
  transferSyntax: string;
  dataset: Record<string, unknown>;
  /** first frame: raw bytes for native syntaxes, the encoded fragment for JPEG-LS */
  frame: Uint8Array;
}

function readDicom(file: string): ParsedFile {
  const bytes = readFileSync(file);
  const dict = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  const transferSyntax = (dict.meta['00020010']?.Value?.[0] as string) ?? '';
  const pixelData = dataset.PixelData as ArrayBuffer[];
  return { transferSyntax, dataset, frame: new Uint8Array(pixelData[0]!) };
}

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.dcm'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The pixel values of a CT instance in HU. */
function huOf(file: ParsedFile, pixels: Uint16Array | Int16Array): Float32Array {
  const slope = Number(file.dataset.RescaleSlope ?? 1);
  const intercept = Number(file.dataset.RescaleIntercept ?? 0);
  return Float32Array.from(pixels, (v) => v * slope + intercept);
}

async function pixelsOf(file: ParsedFile): Promise<Uint16Array | Int16Array> {
  if (file.transferSyntax === TRANSFER_SYNTAX.jpegLsLossless) {
    const decoded = await decodeJpegLs(file.frame);
    return new Uint16Array(
      decoded.bytes.buffer,
      decoded.bytes.byteOffset,
      decoded.bytes.byteLength / 2,
    );
  }
  const copy = file.frame.slice();
  return file.dataset.PixelRepresentation === 1
    ? new Int16Array(copy.buffer)
    : new Uint16Array(copy.buffer);
}

/** HU at a patient position (x, y mm) of an axial slice. */
function huAt(file: ParsedFile, hu: Float32Array, x: number, y: number): number {
  const [x0, y0] = (file.dataset.ImagePositionPatient as number[]).map(Number) as [number, number];
  const [rowSpacing, colSpacing] = (file.dataset.PixelSpacing as number[]).map(Number) as [
    number,
    number,
  ];
  const col = Math.round((x - x0) / colSpacing);
  const row = Math.round((y - y0) / rowSpacing);
  return hu[row * Number(file.dataset.Columns) + col]!;
}

/** The file of instance `index` (0-based) of a series in the cache. */
function fileOf(study: StudyPlan, seriesIndex: number, index: number): string {
  const series = study.series[seriesIndex]!;
  return instancePath(CACHE_DIR, study, series, instanceUid(series.key, index));
}

/** The axial slice of a CT series nearest to z, from the series geometry in PHANTOM_FACTS. */
function sliceNearest(geometry: { firstZMm: number; spacingMm: number }, z: number): number {
  return Math.round((geometry.firstZMm - z) / geometry.spacingMm);
}

describe('demo data generator', () => {
  let result: GenerateResult;
  let manifest: DemoManifest;
  const catalog = buildCatalog();
  const studyByKey = new Map(catalog.map((s) => [s.key, s]));
  const temp = mkdtempSync(path.join(tmpdir(), 'tandem-demo-data-test-'));

  beforeAll(async () => {
    result = await generateDemoData(CACHE_DIR);
    manifest = DemoManifest.parse(
      JSON.parse(readFileSync(path.join(CACHE_DIR, MANIFEST_FILE), 'utf8')),
    );
  }, 600_000);

  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('writes a manifest that validates and carries the generator version', () => {
    expect(manifest.generatorVersion).toBe(GENERATOR_VERSION);
    expect(result.manifest).toEqual(manifest);
  });

  it('returns at once from the cache when this version is already there', async () => {
    const again = await generateDemoData(CACHE_DIR);
    expect(again.cached).toBe(true);
    expect(again.milliseconds).toBeLessThan(5_000);
    expect(again.manifest).toEqual(manifest);
  });

  it('has at least five patients, each with a prior study', () => {
    expect(manifest.patients.length).toBeGreaterThanOrEqual(5);
    for (const p of manifest.patients) {
      const studies = manifest.studies.filter((s) => s.patientId === p.patientId);
      expect(studies.length, p.patientId).toBeGreaterThanOrEqual(2);
      expect(new Set(studies.map((s) => s.studyDate)).size, p.patientId).toBeGreaterThanOrEqual(2);
    }
  });

  it('gives every prior a signed report, and second opinions and peer reviews their first read', () => {
    const reportIds = new Set(manifest.reports.map((r) => r.reportId));
    for (const p of manifest.patients) {
      const studies = manifest.studies
        .filter((s) => s.patientId === p.patientId)
        .sort((a, b) => a.studyDate.localeCompare(b.studyDate));
      for (const prior of studies.slice(0, -1)) {
        expect(
          manifest.reports.some((r) => r.studyInstanceUid === prior.studyInstanceUid),
          prior.description,
        ).toBe(true);
      }
    }
    for (const c of manifest.cases.filter((c) => c.kind !== 'first-read')) {
      expect(c.originalReportId, c.caseId).toBeDefined();
      expect(reportIds.has(c.originalReportId!)).toBe(true);
      const original = manifest.reports.find((r) => r.reportId === c.originalReportId)!;
      expect(original.studyInstanceUid).toBe(c.studyInstanceUid);
    }
    for (const r of manifest.reports) {
      expect(r.text).toMatch(/FINDINGS:/);
      expect(r.text).toMatch(/IMPRESSION:/);
    }
  });

  it('assigns every kind and priority, with an overdue case and the CT chest with its prior to radiologist1', () => {
    const kinds = new Set(manifest.cases.map((c) => c.kind));
    expect(kinds).toEqual(new Set(['first-read', 'second-opinion', 'peer-review']));
    const priorities = manifest.cases.map((c) => c.priority);
    expect(priorities).toContain('stat');
    expect(priorities).toContain('urgent');
    expect(priorities.filter((p) => p === 'routine').length).toBeGreaterThanOrEqual(2);
    expect(manifest.cases.some((c) => c.dueInMinutes < 0)).toBe(true);
    expect(new Set(manifest.cases.map((c) => c.assignee))).toEqual(
      new Set(['radiologist1', 'radiologist2']),
    );
    const ctChest = studyByKey.get('p1-ct-chest-current')!;
    const ctCase = manifest.cases.find((c) => c.studyInstanceUid === ctChest.uid)!;
    expect(ctCase.assignee).toBe('radiologist1');
    for (const c of manifest.cases) {
      const study = manifest.studies.find((s) => s.studyInstanceUid === c.studyInstanceUid)!;
      expect(c.context.examDate, c.caseId).toBe(study.studyDate);
    }
  });

  it('seeds at least three discordant pairs of existing reports of the same study', () => {
    expect(manifest.discordantPairs.length).toBeGreaterThanOrEqual(3);
    for (const pair of manifest.discordantPairs) {
      const first = manifest.reports.find((r) => r.reportId === pair.firstReportId);
      const second = manifest.reports.find((r) => r.reportId === pair.secondReportId);
      expect(first?.studyInstanceUid, pair.pairId).toBe(pair.studyInstanceUid);
      expect(second?.studyInstanceUid, pair.pairId).toBe(pair.studyInstanceUid);
      expect(first!.text).not.toBe(second!.text);
      expect(pair.seededDifferences.length).toBeGreaterThan(0);
    }
  });

  it('writes as many files per study as the manifest says, under dicom/<study>/<series>/<instance>.dcm', () => {
    for (const s of manifest.studies) {
      const files = filesOf(path.join(CACHE_DIR, 'dicom', s.studyInstanceUid));
      expect(files.length, s.description).toBe(s.instanceCount);
    }
    for (const study of catalog) {
      for (const series of study.series) {
        const [first] = filesOf(path.join(CACHE_DIR, 'dicom', study.uid, series.uid));
        const ds = readDicom(first!).dataset;
        expect(first).toBe(instancePath(CACHE_DIR, study, series, ds.SOPInstanceUID as string));
        expect(ds.StudyInstanceUID).toBe(study.uid);
        expect(ds.SeriesInstanceUID).toBe(series.uid);
      }
    }
  });

  it('writes files that dcmdump reads without errors', () => {
    const files = filesOf(path.join(CACHE_DIR, 'dicom'));
    expect(files.length).toBe(manifest.studies.reduce((n, s) => n + s.instanceCount, 0));
    for (let i = 0; i < files.length; i += 200) {
      const run = spawnSync('dcmdump', files.slice(i, i + 200), {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr.split('\n').filter((l) => /^[EW]:/.test(l))).toEqual([]);
    }
  });

  it('uses at least two transfer syntaxes, each file in its study’s syntax', () => {
    const syntaxes = new Set(manifest.studies.map((s) => s.transferSyntaxUid));
    expect(syntaxes.has(TRANSFER_SYNTAX.explicitLittleEndian)).toBe(true);
    expect(syntaxes.has(TRANSFER_SYNTAX.jpegLsLossless)).toBe(true);
    for (const s of manifest.studies) {
      const [first] = filesOf(path.join(CACHE_DIR, 'dicom', s.studyInstanceUid));
      expect(readDicom(first!).transferSyntax, s.description).toBe(s.transferSyntaxUid);
    }
  });

  it('has complete headers: patient, study, series, equipment and image modules', () => {
    const required = [
      'PatientName',
      'PatientID',
      'PatientBirthDate',
      'PatientSex',
      'PatientAge',
      'StudyInstanceUID',
      'StudyDate',
      'StudyTime',
      'AccessionNumber',
      'ReferringPhysicianName',
      'StudyDescription',
      'SeriesInstanceUID',
      'SeriesNumber',
      'SeriesDescription',
      'Modality',
      'InstanceNumber',
      'SOPClassUID',
      'SOPInstanceUID',
      'Manufacturer',
      'BodyPartExamined',
      'PhotometricInterpretation',
      'BitsAllocated',
      'BitsStored',
      'HighBit',
      'PixelRepresentation',
      'WindowCenter',
      'WindowWidth',
      'Rows',
      'Columns',
    ];
    const perModality: Record<string, string[]> = {
      CT: [
        'ImagePositionPatient',
        'ImageOrientationPatient',
        'PixelSpacing',
        'SliceThickness',
        'SpacingBetweenSlices',
        'RescaleSlope',
        'RescaleIntercept',
        'FrameOfReferenceUID',
        'KVP',
      ],
      MR: [
        'ImagePositionPatient',
        'ImageOrientationPatient',
        'PixelSpacing',
        'SliceThickness',
        'SpacingBetweenSlices',
        'FrameOfReferenceUID',
        'RepetitionTime',
        'EchoTime',
        'MagneticFieldStrength',
      ],
      CR: ['ViewPosition', 'PatientOrientation', 'ImagerPixelSpacing'],
      MG: [
        'ImageLaterality',
        'ViewPosition',
        'PatientOrientation',
        'ImagerPixelSpacing',
        'ViewCodeSequence',
        'PresentationIntentType',
      ],
    };
    const sopClass: Record<string, string> = {
      CT: '1.2.840.10008.5.1.4.1.1.2',
      MR: '1.2.840.10008.5.1.4.1.1.4',
      CR: '1.2.840.10008.5.1.4.1.1.1',
      MG: '1.2.840.10008.5.1.4.1.1.1.2',
    };
    for (const s of manifest.studies) {
      for (const dir of readdirSync(path.join(CACHE_DIR, 'dicom', s.studyInstanceUid))) {
        const f = readDicom(filesOf(path.join(CACHE_DIR, 'dicom', s.studyInstanceUid, dir))[0]!);
        const modality = f.dataset.Modality as string;
        expect(f.dataset.Manufacturer).toBe('Tandem Phantom');
        expect(f.dataset.SOPClassUID).toBe(sopClass[modality]);
        for (const key of [...required, ...(perModality[modality] ?? [])])
          expect(f.dataset[key], `${s.description} ${modality} ${key}`).toBeDefined();
      }
    }
    const mgStudy = studyByKey.get('p4-mg-screening-current')!;
    const views = mgStudy.series.map(
      (r) => readDicom(filesOf(path.join(CACHE_DIR, 'dicom', mgStudy.uid, r.uid))[0]!).dataset,
    );
    expect(
      views
        .map(
          (v) =>
            `${v.ImageLaterality}${v.ViewPosition}:${(v.PatientOrientation as string[]).join('\\')}`,
        )
        .sort(),
    ).toEqual(['LCC:A\\R', 'LMLO:A\\FR', 'RCC:P\\L', 'RMLO:P\\FL']);
  });

  it('grows the nodule from prior to current, where PHANTOM_FACTS says it is', async () => {
    const facts = PHANTOM_FACTS.ctChest;
    expect(facts.nodule.currentDiameterMm).toBeGreaterThan(facts.nodule.priorDiameterMm);
    const [nx, ny, nz] = facts.nodule.centreMm;
    // 4 mm from the centre: inside the 10 mm current nodule, outside the 6 mm prior one.
    for (const [key, geometry, insideAt4mm] of [
      ['p1-ct-chest-current', facts.current, true],
      ['p1-ct-chest-prior', facts.prior, false],
    ] as const) {
      const study = studyByKey.get(key)!;
      const parsed = readDicom(fileOf(study, 0, sliceNearest(geometry, nz)));
      expect(
        Math.abs(Number((parsed.dataset.ImagePositionPatient as number[])[2]) - nz),
      ).toBeLessThanOrEqual(geometry.spacingMm / 2);
      const hu = huOf(parsed, await pixelsOf(parsed));
      const centre = huAt(parsed, hu, nx, ny);
      expect(Math.abs(centre - facts.nodule.hu), key).toBeLessThan(80);
      const ring = [0, 90, 180, 270].map((deg) =>
        huAt(
          parsed,
          hu,
          nx + 4 * Math.cos((deg * Math.PI) / 180),
          ny + 4 * Math.sin((deg * Math.PI) / 180),
        ),
      );
      const mean = ring.reduce((a, b) => a + b, 0) / ring.length;
      if (insideAt4mm) expect(mean, key).toBeGreaterThan(-200);
      else expect(mean, key).toBeLessThan(-400);
    }
  });

  it('keeps the calibration insert at exactly its HU', async () => {
    const ins = PHANTOM_FACTS.ctChest.calibrationInsert;
    const study = studyByKey.get('p1-ct-chest-current')!;
    const parsed = readDicom(fileOf(study, 0, sliceNearest(PHANTOM_FACTS.ctChest.current, -150)));
    const hu = huOf(parsed, await pixelsOf(parsed));
    const values: number[] = [];
    for (let dy = -12; dy <= 12; dy += 1)
      for (let dx = -12; dx <= 12; dx += 1)
        if (dx * dx + dy * dy <= 144)
          values.push(huAt(parsed, hu, ins.centreMm[0] + dx, ins.centreMm[1] + dy));
    expect(new Set(values)).toEqual(new Set([ins.hu]));
  });

  it('writes signed pixels where the series asks for them', async () => {
    const study = studyByKey.get('p5-ct-abdomen-prior')!;
    const parsed = readDicom(filesOf(path.join(CACHE_DIR, 'dicom', study.uid))[10]!);
    expect(parsed.dataset.PixelRepresentation).toBe(1);
    const px = await pixelsOf(parsed);
    let min = Infinity;
    for (const v of px) min = Math.min(min, v);
    expect(min).toBeLessThan(-900);
  });

  it('round-trips JPEG-LS: the CharLS decoder and dcmtk both give back the encoded pixels', async () => {
    const study = studyByKey.get('p1-ct-chest-prior')!;
    const series = study.series[0]!;
    const index = 40;
    const expected = series.instance(index).frame.pixels;
    const file = fileOf(study, 0, index);
    const parsed = readDicom(file);
    expect(parsed.transferSyntax).toBe(TRANSFER_SYNTAX.jpegLsLossless);
    const decoded = await pixelsOf(parsed);
    expect(
      Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength).equals(
        Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
      ),
    ).toBe(true);
    const out = path.join(temp, 'decoded.dcm');
    const run = spawnSync('dcmdjpls', [file, out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const native = readDicom(out);
    expect(native.transferSyntax).toBe(TRANSFER_SYNTAX.explicitLittleEndian);
    expect(
      Buffer.from(native.frame).equals(
        Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
      ),
    ).toBe(true);
  });

  it('is deterministic: the same UIDs and the same bytes on a second generation', async () => {
    const again = buildCatalog();
    expect(again.map((s) => [s.uid, s.series.map((r) => r.uid)])).toEqual(
      catalog.map((s) => [s.uid, s.series.map((r) => r.uid)]),
    );
    expect(manifest.studies.map((s) => s.studyInstanceUid)).toEqual(catalog.map((s) => s.uid));
    // Re-render a sample of every modality and transfer syntax into a temporary folder.
    const runner = new JobRunner(again, temp);
    const sample = [
      ['p1-ct-chest-current', 0, 100, 102],
      ['p1-ct-chest-prior', 0, 60, 61],
      ['p2-mr-brain-current', 2, 10, 12],
      ['p2-mr-brain-prior', 0, 5, 6],
      ['p3-cr-chest-current', 0, 0, 1],
      ['p5-ct-abdomen-prior', 0, 30, 31],
      ['p4-mg-screening-current', 1, 0, 1],
    ] as const;
    for (const [key, seriesIndex, from, to] of sample) {
      const studyIndex = again.findIndex((s) => s.key === key);
      await runner.run({ study: studyIndex, series: seriesIndex, from, to });
      const study = again[studyIndex]!;
      const series = study.series[seriesIndex]!;
      const fresh = filesOf(path.join(temp, 'dicom', study.uid, series.uid));
      expect(fresh.length).toBe(to - from);
      for (const f of fresh) {
        const cached = path.join(CACHE_DIR, path.relative(temp, f));
        expect(readFileSync(f).equals(readFileSync(cached)), `${key} ${path.basename(f)}`).toBe(
          true,
        );
      }
    }
  }, 120_000);
});
