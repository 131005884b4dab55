import { TAG, type DicomJsonDataset } from './dicom-json.ts';

/**
 * Which attributes belong to which QIDO level when a search asks for `includefield=all`: the
 * patient and study modules at study level, plus the series modules at series level. Instance
 * level returns the whole header.
 */
const STUDY_TAGS = new Set<string>([
  TAG.StudyDate,
  TAG.StudyTime,
  TAG.AccessionNumber,
  TAG.ReferringPhysicianName,
  TAG.StudyDescription,
  TAG.StudyInstanceUID,
  TAG.StudyID,
  '00080051', // IssuerOfAccessionNumberSequence
  '00081032', // ProcedureCodeSequence
  '00081060', // NameOfPhysiciansReadingStudy
  '00081080', // AdmittingDiagnosesDescription
  '00101010', // PatientAge (also matched by the 0010 group rule)
  '00321060', // RequestedProcedureDescription
  '00401001', // RequestedProcedureID
]);

const SERIES_TAGS = new Set<string>([
  TAG.Modality,
  TAG.SeriesDescription,
  TAG.SeriesInstanceUID,
  TAG.SeriesNumber,
  TAG.Laterality,
  TAG.BodyPartExamined,
  '00080021', // SeriesDate
  '00080031', // SeriesTime
  '00080070', // Manufacturer
  '00081090', // ManufacturerModelName
  '00181030', // ProtocolName
  '00185100', // PatientPosition
  '00200052', // FrameOfReferenceUID
  '00400244', // PerformedProcedureStepStartDate
  '00400245', // PerformedProcedureStepStartTime
  '00400275', // RequestAttributesSequence
]);

export function isStudyLevelTag(tag: string): boolean {
  return tag.startsWith('0010') || STUDY_TAGS.has(tag);
}

export function isSeriesLevelTag(tag: string): boolean {
  return isStudyLevelTag(tag) || SERIES_TAGS.has(tag);
}

/** Copies the requested attributes from a representative header into a search result. */
export function addIncludedFields(
  result: DicomJsonDataset,
  source: DicomJsonDataset | null,
  level: 'studies' | 'series' | 'instances',
  includeAll: boolean,
  includeFields: readonly string[],
): void {
  if (!source) return;
  const wanted = (tag: string) =>
    includeFields.includes(tag) ||
    (includeAll &&
      (level === 'instances' ||
        (level === 'series' ? isSeriesLevelTag(tag) : isStudyLevelTag(tag))));
  for (const [tag, value] of Object.entries(source)) {
    if (tag in result || !wanted(tag)) continue;
    if (value.BulkDataURI !== undefined) continue; // bulk data is for metadata, not searches
    result[tag] = value;
  }
}
