import dcmjs from 'dcmjs';
import type { MeasuredValue, Measurement } from '../domain/measurement.ts';
import { formatNumber, measurementText, unitText, type SignedReport } from './document.ts';
import { sha256Hex } from './signing.ts';
import { isFilled, type CodedConcept, type ReportTemplate } from './template.ts';

/**
 * Writes a signed report as a DICOM Comprehensive SR: a Basic Diagnostic Imaging Report
 * (TID 2000) whose sections hold the reader's text as TEXT items, the impression, and the
 * measurements as TID 1500 measurement groups (NUM items with UCUM units, each inferred from the
 * IMAGE it was measured on). Everything the reader typed goes into TEXT values as typed: the SR
 * holds text, never markup.
 */

export const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** a UID root under 2.25 (UUID-derived UIDs need no registered root) for our implementation class */
const IMPLEMENTATION_CLASS_UID = '2.25.288613374946101553532446208393040421165';

export interface SrStudy {
  studyInstanceUid: string;
  patientName: string;
  patientId: string;
  /** DICOM DA (YYYYMMDD) or '' */
  patientBirthDate: string;
  /** F, M, O or '' */
  patientSex: string;
  accessionNumber: string;
  /** DICOM DA (YYYYMMDD) */
  studyDate: string;
  /** DICOM TM or '' */
  studyTime: string;
  studyId: string;
  referringPhysicianName: string;
}

export interface SrInput {
  signed: SignedReport;
  template: ReportTemplate;
  study: SrStudy;
  /** SOP Class UID of every measured image (by SOP Instance UID); images not listed are not referenced */
  sopClassOf: ReadonlyMap<string, string>;
  /** written into Manufacturer / Software Versions */
  softwareVersion: string;
}

export interface SrOutput {
  bytes: Uint8Array;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

type Dataset = Record<string, unknown>;

function code(c: CodedConcept): Dataset {
  return {
    CodeValue: c.value,
    CodingSchemeDesignator: c.scheme,
    CodeMeaning: c.meaning.slice(0, 64),
  };
}

const C = {
  diagnosticImagingReport: { scheme: 'LN', value: '18748-4', meaning: 'Diagnostic Imaging Report' },
  language: { scheme: 'DCM', value: '121049', meaning: 'Language of Content Item and Descendants' },
  english: { scheme: 'RFC5646', value: 'en', meaning: 'English' },
  observerName: { scheme: 'DCM', value: '121008', meaning: 'Person Observer Name' },
  observerType: { scheme: 'DCM', value: '121005', meaning: 'Observer Type' },
  person: { scheme: 'DCM', value: '121006', meaning: 'Person' },
  procedureReported: { scheme: 'DCM', value: '121058', meaning: 'Procedure reported' },
  findings: { scheme: 'DCM', value: '121070', meaning: 'Findings' },
  finding: { scheme: 'DCM', value: '121071', meaning: 'Finding' },
  impressions: { scheme: 'DCM', value: '121072', meaning: 'Impressions' },
  impression: { scheme: 'DCM', value: '121073', meaning: 'Impression' },
  imagingMeasurements: { scheme: 'DCM', value: '126010', meaning: 'Imaging Measurements' },
  measurementGroup: { scheme: 'DCM', value: '125007', meaning: 'Measurement Group' },
  trackingIdentifier: { scheme: 'DCM', value: '112039', meaning: 'Tracking Identifier' },
  trackingUid: { scheme: 'DCM', value: '112040', meaning: 'Tracking Unique Identifier' },
  sourceImage: { scheme: 'DCM', value: '121112', meaning: 'Source of Measurement' },
  criticalFinding: { scheme: 'DCM', value: '121071', meaning: 'Finding' },
} satisfies Record<string, CodedConcept>;

const VALUE_CONCEPT: Record<MeasuredValue['name'], CodedConcept> = {
  length: { scheme: 'SCT', value: '410668003', meaning: 'Length' },
  'long-axis': { scheme: 'SCT', value: '103339001', meaning: 'Long Axis' },
  'short-axis': { scheme: 'SCT', value: '103340004', meaning: 'Short Axis' },
  area: { scheme: 'SCT', value: '42798000', meaning: 'Area' },
  mean: { scheme: 'SCT', value: '373098007', meaning: 'Mean' },
  sd: { scheme: 'SCT', value: '386136009', meaning: 'Standard Deviation' },
  min: { scheme: 'SCT', value: '255605001', meaning: 'Minimum' },
  max: { scheme: 'SCT', value: '56851009', meaning: 'Maximum' },
  value: { scheme: '99TANDEM', value: 'value', meaning: 'Measured value' },
  angle: { scheme: 'SCT', value: '1483009', meaning: 'Angle' },
};

/** A UID under 2.25 from 128 bits of a hex string (PS3.5 B.2: UUID-derived UIDs). */
function uidFromHex(hex: string): string {
  return `2.25.${BigInt(`0x${hex.slice(0, 32)}`).toString()}`;
}

function dicomDateTime(iso: string): { date: string; time: string; dateTime: string } {
  const d = new Date(iso);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
  const time = `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return { date, time, dateTime: `${date}${time}+0000` };
}

function text(relationship: string, concept: CodedConcept, value: string): Dataset {
  return {
    RelationshipType: relationship,
    ValueType: 'TEXT',
    ConceptNameCodeSequence: [code(concept)],
    TextValue: value,
  };
}

function container(
  relationship: string,
  concept: CodedConcept,
  children: Dataset[],
  template?: string,
): Dataset {
  return {
    RelationshipType: relationship,
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [code(concept)],
    ContinuityOfContent: 'SEPARATE',
    ...(template
      ? { ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: template }] }
      : {}),
    ContentSequence: children,
  };
}

function imageRef(
  relationship: string,
  concept: CodedConcept,
  m: Measurement,
  sopClassUid: string,
): Dataset {
  return {
    RelationshipType: relationship,
    ValueType: 'IMAGE',
    ConceptNameCodeSequence: [code(concept)],
    ReferencedSOPSequence: [
      {
        ReferencedSOPClassUID: sopClassUid,
        ReferencedSOPInstanceUID: m.sopInstanceUid,
        ...(m.frameIndex > 0 ? { ReferencedFrameNumber: [m.frameIndex + 1] } : {}),
      },
    ],
  };
}

async function measurementGroup(m: Measurement, sopClassUid: string | undefined): Promise<Dataset> {
  const children: Dataset[] = [
    text('HAS OBS CONTEXT', C.trackingIdentifier, (m.label.trim() || m.kind).slice(0, 64)),
    {
      RelationshipType: 'HAS OBS CONTEXT',
      ValueType: 'UIDREF',
      ConceptNameCodeSequence: [code(C.trackingUid)],
      UID: uidFromHex(await sha256Hex(`tracking:${m.caseId}:${m.annotationId}`)),
    },
  ];
  for (const v of m.values) {
    children.push({
      RelationshipType: 'CONTAINS',
      ValueType: 'NUM',
      ConceptNameCodeSequence: [code(VALUE_CONCEPT[v.name])],
      MeasuredValueSequence: [
        {
          NumericValue: formatNumber(v.value),
          MeasurementUnitsCodeSequence: [
            {
              CodeValue: v.unit,
              CodingSchemeDesignator: 'UCUM',
              CodeMeaning: unitText(v.unit) || v.unit,
            },
          ],
        },
      ],
      ...(sopClassUid
        ? { ContentSequence: [imageRef('INFERRED FROM', C.sourceImage, m, sopClassUid)] }
        : {}),
    });
  }
  if (sopClassUid && m.values.length === 0)
    children.push(imageRef('CONTAINS', C.sourceImage, m, sopClassUid));
  return container('CONTAINS', C.measurementGroup, children, '1501');
}

/** The content tree of the report (TID 2000 sections, TID 1500 measurements). */
async function contentOf(input: SrInput): Promise<Dataset[]> {
  const { document } = input.signed;
  const content = document.content;
  const measurements = new Map(content.measurements.map((m) => [m.annotationId, m]));
  const items: Dataset[] = [
    {
      RelationshipType: 'HAS CONCEPT MOD',
      ValueType: 'CODE',
      ConceptNameCodeSequence: [code(C.language)],
      ConceptCodeSequence: [code(C.english)],
    },
    {
      RelationshipType: 'HAS OBS CONTEXT',
      ValueType: 'CODE',
      ConceptNameCodeSequence: [code(C.observerType)],
      ConceptCodeSequence: [code(C.person)],
    },
    {
      RelationshipType: 'HAS OBS CONTEXT',
      ValueType: 'PNAME',
      ConceptNameCodeSequence: [code(C.observerName)],
      PersonName: personName(document.author.displayName),
    },
  ];
  if (input.template.procedureCode) {
    items.push({
      RelationshipType: 'HAS CONCEPT MOD',
      ValueType: 'CODE',
      ConceptNameCodeSequence: [code(C.procedureReported)],
      ConceptCodeSequence: [code(input.template.procedureCode)],
    });
  }
  for (const section of input.template.sections) {
    const children: Dataset[] = [];
    for (const f of section.fields) {
      const value = content.values[f.id];
      if (!isFilled(value) || value === undefined || value === null) continue;
      let line: string;
      if (f.type === 'measurement' && Array.isArray(value)) {
        line = `${f.label}: ${value
          .map((id) => measurements.get(id))
          .filter((m): m is Measurement => m !== undefined)
          .map(measurementText)
          .join('; ')}`;
      } else if (f.type === 'choice') {
        line = `${f.label}: ${f.options?.find((o) => o.value === value)?.label ?? String(value)}`;
      } else if (f.type === 'multi-choice' && Array.isArray(value)) {
        line = `${f.label}: ${value.map((v) => f.options?.find((o) => o.value === v)?.label ?? v).join('; ')}`;
      } else if (f.type === 'number') {
        line = `${f.label}: ${formatNumber(value as number)}${f.unit && unitText(f.unit) ? ` ${unitText(f.unit)}` : ''}`;
      } else {
        line = `${f.label}: ${String(value)}`;
      }
      children.push(text('CONTAINS', f.code ?? C.finding, line));
    }
    if (children.length > 0) {
      const concept = section.code ?? {
        scheme: '99TANDEM',
        value: section.id.slice(0, 16),
        meaning: section.title,
      };
      items.push(container('CONTAINS', concept, children));
    }
  }
  if (content.measurements.length > 0) {
    const groups = await Promise.all(
      content.measurements.map((m) => measurementGroup(m, input.sopClassOf.get(m.sopInstanceUid))),
    );
    items.push(container('CONTAINS', C.imagingMeasurements, groups));
  }
  const impression: Dataset[] = [
    text(
      'CONTAINS',
      C.impression,
      content.impression.trim() === '' ? '(none)' : content.impression,
    ),
  ];
  const critical = content.critical;
  if (critical) {
    impression.push(
      text(
        'CONTAINS',
        C.criticalFinding,
        `Critical finding communicated to ${critical.communicatedTo} (${critical.method}) at ${critical.communicatedAt}.`,
      ),
    );
  }
  items.push(container('CONTAINS', C.impressions, impression));
  return items;
}

function personName(displayName: string): string {
  // Display names are "First Last" or "Dr. First Last"; DICOM PN wants Family^Given^Middle^Prefix.
  const parts = displayName
    .replace(/[\\^=]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const prefix =
    parts.length > 1 && /^(dr|prof|mr|mrs|ms)\.?$/i.test(parts[0]!) ? parts.shift()! : '';
  if (parts.length < 2) return `${parts[0] ?? ''}${prefix ? `^^^${prefix}` : ''}`.slice(0, 64);
  const family = parts[parts.length - 1]!;
  const given = parts.slice(0, -1).join(' ');
  return `${family}^${given}${prefix ? `^^${prefix}` : ''}`.slice(0, 64);
}

/**
 * The SR's series and instance UIDs, derived from the signed report's hash: writing the SR of a
 * report again (a retry after the PACS was down) stores the same instance, never a second one.
 */
export async function srUids(
  hash: string,
): Promise<{ seriesInstanceUid: string; sopInstanceUid: string }> {
  return {
    seriesInstanceUid: uidFromHex(await sha256Hex(`sr-series:${hash}`)),
    sopInstanceUid: uidFromHex(await sha256Hex(`sr-instance:${hash}`)),
  };
}

/** Writes the SR as DICOM Part-10 bytes (Explicit VR Little Endian, UTF-8). */
export async function buildStructuredReport(input: SrInput): Promise<SrOutput> {
  const { signed, study } = input;
  const { document } = signed;
  // Derived from the signed report, so writing the SR again yields the same instance.
  const { sopInstanceUid, seriesInstanceUid } = await srUids(signed.hash);
  const signedAt = dicomDateTime(document.signedAt);
  const measured = document.content.measurements.filter((m) =>
    input.sopClassOf.has(m.sopInstanceUid),
  );
  const evidence = new Map<string, Map<string, Map<string, string>>>();
  for (const m of measured) {
    const series = evidence.get(m.studyInstanceUid) ?? new Map<string, Map<string, string>>();
    evidence.set(m.studyInstanceUid, series);
    const sops = series.get(m.seriesInstanceUid) ?? new Map<string, string>();
    series.set(m.seriesInstanceUid, sops);
    sops.set(m.sopInstanceUid, input.sopClassOf.get(m.sopInstanceUid)!);
  }
  const dataset: Dataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: COMPREHENSIVE_SR,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: study.studyDate,
    ContentDate: signedAt.date,
    StudyTime: study.studyTime,
    ContentTime: signedAt.time,
    AccessionNumber: study.accessionNumber,
    Modality: 'SR',
    Manufacturer: 'Tandem',
    ReferringPhysicianName: study.referringPhysicianName.replace(/[\\]/g, ' ').slice(0, 64),
    SeriesDescription: document.amends ? 'Tandem report addendum' : 'Tandem report',
    ReferencedPerformedProcedureStepSequence: [],
    PatientName: study.patientName,
    PatientID: study.patientId,
    PatientBirthDate: study.patientBirthDate,
    PatientSex: study.patientSex,
    SoftwareVersions: input.softwareVersion,
    StudyInstanceUID: study.studyInstanceUid,
    SeriesInstanceUID: seriesInstanceUid,
    StudyID: study.studyId,
    SeriesNumber: 9000,
    InstanceNumber: 1,
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [code(C.diagnosticImagingReport)],
    ContinuityOfContent: 'SEPARATE',
    VerifyingObserverSequence: [
      {
        VerifyingObserverName: personName(document.author.displayName),
        VerifyingObserverIdentificationCodeSequence: [],
        VerifyingOrganization: 'Tandem teleradiology',
        VerificationDateTime: signedAt.dateTime,
      },
    ],
    CurrentRequestedProcedureEvidenceSequence: [...evidence].map(([studyUid, series]) => ({
      StudyInstanceUID: studyUid,
      ReferencedSeriesSequence: [...series].map(([seriesUid, sops]) => ({
        SeriesInstanceUID: seriesUid,
        ReferencedSOPSequence: [...sops].map(([sopUid, sopClass]) => ({
          ReferencedSOPClassUID: sopClass,
          ReferencedSOPInstanceUID: sopUid,
        })),
      })),
    })),
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'VERIFIED',
    PerformedProcedureCodeSequence: input.template.procedureCode
      ? [code(input.template.procedureCode)]
      : [],
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2000' }],
    ContentSequence: await contentOf(input),
  };
  if (measured.length === 0) delete dataset['CurrentRequestedProcedureEvidenceSequence'];

  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: COMPREHENSIVE_SR,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'TANDEM_SR_1',
  });
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return { bytes: new Uint8Array(dict.write()), seriesInstanceUid, sopInstanceUid };
}

/** The images a report measured on, once each (the backend looks up their SOP classes). */
export function measuredInstances(
  signed: SignedReport,
): Array<Pick<Measurement, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>> {
  const out = new Map<
    string,
    Pick<Measurement, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>
  >();
  for (const m of signed.document.content.measurements) {
    if (!out.has(m.sopInstanceUid)) {
      out.set(m.sopInstanceUid, {
        studyInstanceUid: m.studyInstanceUid,
        seriesInstanceUid: m.seriesInstanceUid,
        sopInstanceUid: m.sopInstanceUid,
      });
    }
  }
  return [...out.values()];
}
