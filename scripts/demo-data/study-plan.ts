import { demoUid } from './uids.ts';
import type { Frame, TransferSyntaxUid } from './dicom-file.ts';

/**
 * The plan of the demo data: patients, their studies and series, and for each instance its header
 * and pixels. A plan is cheap to build (phantoms are made lazily on first render) so the generator
 * and its workers each build their own and agree on every UID and byte.
 */

export interface PatientInfo {
  patientId: string;
  /** DICOM PN, Family^Given */
  dicomName: string;
  birthDate: string; // YYYY-MM-DD
  sex: 'F' | 'M';
  weightKg: number;
  heightM: number;
}

export interface Referrer {
  dicomName: string;
  displayName: string;
}

export interface SeriesPlan {
  key: string;
  uid: string;
  number: number;
  description: string;
  modality: 'CT' | 'MR' | 'CR' | 'MG';
  sopClassUid: string;
  count: number;
  /** relative cost of one instance, for scheduling */
  cost: number;
  /** attributes shared by every instance (modality modules) */
  attributes: Record<string, unknown>;
  /** the per-instance attributes and pixels of instance `index` (0-based) */
  instance(index: number): { attributes: Record<string, unknown>; frame: Frame };
}

export interface StudyPlan {
  key: string;
  uid: string;
  patient: PatientInfo;
  accessionNumber: string;
  studyId: string;
  date: string; // YYYY-MM-DD
  time: string; // HHMMSS
  description: string;
  bodyPart: string;
  referrer: Referrer;
  transferSyntax: TransferSyntaxUid;
  frameOfReferenceUid: string;
  series: SeriesPlan[];
}

export function seriesUid(key: string): string {
  return demoUid(`series/${key}`);
}

export function instanceUid(seriesKey: string, index: number): string {
  return demoUid(`instance/${seriesKey}/${index}`);
}

export function studyUid(key: string): string {
  return demoUid(`study/${key}`);
}

export function dicomDate(iso: string): string {
  return iso.replaceAll('-', '');
}

/** DICOM AS age (e.g. "067Y") at a date. */
export function ageAt(birthIso: string, atIso: string): string {
  const [by, bm, bd] = birthIso.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = atIso.split('-').map(Number) as [number, number, number];
  let years = ay - by;
  if (am < bm || (am === bm && ad < bd)) years--;
  return `${String(years).padStart(3, '0')}Y`;
}

/** A decimal string for DS values: at most 16 characters, no float noise. */
export function ds(value: number, decimals = 6): string {
  let text = Number(value.toFixed(decimals)).toString();
  if (text === '-0') text = '0';
  if (text.length > 16) text = Number(value.toPrecision(10)).toString();
  return text;
}

/** HHMMSS plus a number of seconds (wrapping past midnight is not needed for the demo). */
export function addSeconds(time: string, seconds: number): string {
  const t =
    Number(time.slice(0, 2)) * 3600 +
    Number(time.slice(2, 4)) * 60 +
    Number(time.slice(4, 6)) +
    Math.floor(seconds);
  const h = Math.floor(t / 3600) % 24;
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  return `${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}${String(s).padStart(2, '0')}`;
}

export const MANUFACTURER = 'Tandem Phantom';
export const INSTITUTION = 'Tandem Demo Imaging Centre';

/** The complete header of one instance: patient, study, series, equipment and SOP common modules. */
export function instanceDataset(
  study: StudyPlan,
  series: SeriesPlan,
  index: number,
  own: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...commonModules(study, series, index), ...series.attributes, ...own };
  // A series leaves out a common attribute by setting it to undefined (e.g. no frame of reference for CR).
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}

function commonModules(
  study: StudyPlan,
  series: SeriesPlan,
  index: number,
): Record<string, unknown> {
  const p = study.patient;
  const date = dicomDate(study.date);
  const seriesTime = addSeconds(study.time, 60 * series.number);
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    SOPClassUID: series.sopClassUid,
    SOPInstanceUID: instanceUid(series.key, index),
    InstanceCreationDate: date,
    InstanceCreationTime: seriesTime,
    StudyDate: date,
    SeriesDate: date,
    ContentDate: date,
    AcquisitionDate: date,
    StudyTime: study.time,
    SeriesTime: seriesTime,
    ContentTime: addSeconds(seriesTime, index),
    AccessionNumber: study.accessionNumber,
    Modality: series.modality,
    Manufacturer: MANUFACTURER,
    InstitutionName: INSTITUTION,
    ReferringPhysicianName: study.referrer.dicomName,
    StudyDescription: study.description,
    SeriesDescription: series.description,
    PatientName: p.dicomName,
    PatientID: p.patientId,
    IssuerOfPatientID: 'TANDEM-DEMO',
    PatientBirthDate: dicomDate(p.birthDate),
    PatientSex: p.sex,
    PatientAge: ageAt(p.birthDate, study.date),
    PatientSize: ds(p.heightM, 2),
    PatientWeight: ds(p.weightKg, 1),
    BodyPartExamined: study.bodyPart,
    DeviceSerialNumber: 'TP-0001',
    SoftwareVersions: 'tandem-demo-data 1',
    StudyInstanceUID: study.uid,
    SeriesInstanceUID: series.uid,
    StudyID: study.studyId,
    SeriesNumber: series.number,
    InstanceNumber: index + 1,
    FrameOfReferenceUID: study.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    BurnedInAnnotation: 'NO',
    LossyImageCompression: '00',
  };
}
