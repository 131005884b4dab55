// Writes a synthetic DICOM store of many small CT instances into `<data>/dicom/<study>/<series>/<sop>.dcm`
// (the backend's local layout), so the backend indexes it at start-up like any other store.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CT_IMAGE_STORAGE, writePart10, type Element } from './part10-writer.ts';

export interface StoreShape {
  patients: number;
  studiesPerPatient: number;
  seriesPerStudy: number;
  instancesPerSeries: number;
}

export function instanceCount(shape: StoreShape): number {
  return shape.patients * shape.studiesPerPatient * shape.seriesPerStudy * shape.instancesPerSeries;
}

/** What the queries need to know about the store: a few patients and their studies. */
export interface StoreIndex {
  shape: StoreShape;
  /** PatientID → its StudyInstanceUIDs, for a sample of patients */
  samplePatients: Array<{ patientId: string; studyUids: string[] }>;
}

const uid = () => `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString(10)}`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** 8×8 pixels of 16-bit zeros: the queries never look at pixels, the files stay small. */
const PIXELS = new Uint8Array(8 * 8 * 2);

export function writeSyntheticStore(dataDir: string, shape: StoreShape): StoreIndex {
  const root = path.join(dataDir, 'dicom');
  const samplePatients: StoreIndex['samplePatients'] = [];
  const sampleEvery = Math.max(1, Math.floor(shape.patients / 50));
  for (let p = 0; p < shape.patients; p++) {
    const patientId = `BENCH-${pad(p + 1, 6)}`;
    const studyUids: string[] = [];
    for (let s = 0; s < shape.studiesPerPatient; s++) {
      const studyUid = uid();
      studyUids.push(studyUid);
      const year = 2015 + ((p + s * 3) % 12);
      const studyDate = `${year}${pad(1 + ((p * 7 + s) % 12), 2)}${pad(1 + ((p * 13 + s) % 28), 2)}`;
      const study: Element[] = [
        { tag: '00080020', vr: 'DA', value: studyDate },
        { tag: '00080030', vr: 'TM', value: `${pad(8 + (p % 10), 2)}${pad(s * 7, 2)}00` },
        { tag: '00080050', vr: 'SH', value: `BA${pad(p + 1, 6)}${s}` },
        { tag: '00080090', vr: 'PN', value: 'REFERRER^BENCH' },
        {
          tag: '00081030',
          vr: 'LO',
          value: s % 2 ? 'CT CHEST WITH CONTRAST' : 'CT CHEST WITHOUT CONTRAST',
        },
        { tag: '00100010', vr: 'PN', value: `BENCH^PATIENT${pad(p + 1, 6)}` },
        { tag: '00100020', vr: 'LO', value: patientId },
        { tag: '00100030', vr: 'DA', value: `19${pad(40 + (p % 50), 2)}0101` },
        { tag: '00100040', vr: 'CS', value: p % 2 ? 'F' : 'M' },
        { tag: '0020000D', vr: 'UI', value: studyUid },
        { tag: '00200010', vr: 'SH', value: String(s + 1) },
      ];
      for (let r = 0; r < shape.seriesPerStudy; r++) {
        const seriesUid = uid();
        const dir = path.join(root, studyUid, seriesUid);
        mkdirSync(dir, { recursive: true });
        const series: Element[] = [
          { tag: '00080060', vr: 'CS', value: 'CT' },
          { tag: '0008103E', vr: 'LO', value: r % 2 ? 'Chest 5.0 Mediastinum' : 'Chest 1.0 Lung' },
          { tag: '00180015', vr: 'CS', value: 'CHEST' },
          { tag: '0020000E', vr: 'UI', value: seriesUid },
          { tag: '00200011', vr: 'IS', value: String(r + 2) },
        ];
        for (let i = 0; i < shape.instancesPerSeries; i++) {
          const sopUid = uid();
          const instance: Element[] = [
            ...study,
            ...series,
            { tag: '00080008', vr: 'CS', value: ['ORIGINAL', 'PRIMARY', 'AXIAL'] },
            { tag: '00080016', vr: 'UI', value: CT_IMAGE_STORAGE },
            { tag: '00080018', vr: 'UI', value: sopUid },
            { tag: '00200013', vr: 'IS', value: String(i + 1) },
            { tag: '00200032', vr: 'DS', value: ['-175', '-175', String(-i * 5)] },
            { tag: '00200037', vr: 'DS', value: ['1', '0', '0', '0', '1', '0'] },
            { tag: '00280002', vr: 'US', value: 1 },
            { tag: '00280004', vr: 'CS', value: 'MONOCHROME2' },
            { tag: '00280010', vr: 'US', value: 8 },
            { tag: '00280011', vr: 'US', value: 8 },
            { tag: '00280100', vr: 'US', value: 16 },
            { tag: '00280101', vr: 'US', value: 12 },
            { tag: '00280102', vr: 'US', value: 11 },
            { tag: '00280103', vr: 'US', value: 0 },
            { tag: '00281052', vr: 'DS', value: '-1024' },
            { tag: '00281053', vr: 'DS', value: '1' },
            { tag: '7FE00010', vr: 'OW', value: PIXELS },
          ];
          writeFileSync(
            path.join(dir, `${sopUid}.dcm`),
            writePart10(CT_IMAGE_STORAGE, sopUid, instance),
          );
        }
      }
    }
    if (p % sampleEvery === 0) samplePatients.push({ patientId, studyUids });
  }
  return { shape, samplePatients };
}
