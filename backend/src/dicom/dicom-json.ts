import dcmjs from 'dcmjs';

/** The DICOM JSON model (PS3.18 F.2): tag (8 upper-case hex digits) → attribute. */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}
export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

export const TAG = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  InstanceAvailability: '00080056',
  ModalitiesInStudy: '00080061',
  Modality: '00080060',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  FailureReason: '00081197',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  RetrieveURL: '00081190',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  BodyPartExamined: '00180015',
  ViewPosition: '00185101',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  Laterality: '00200060',
  ImageLaterality: '00200062',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  BitsAllocated: '00280100',
  PixelData: '7FE00010',
} as const;

const HEX_TAG = /^[0-9A-Fa-f]{8}$/;

/** Resolves a QIDO key given as a keyword (`StudyDate`) or a tag (`00080020`) to its tag. */
export function tagOf(keywordOrTag: string): string | null {
  if (HEX_TAG.test(keywordOrTag)) return keywordOrTag.toUpperCase();
  const entry = dcmjs.data.DicomMetaDictionary.nameMap[keywordOrTag];
  if (!entry) return null;
  const hex = entry.tag.replace(/[(),]/g, '').toUpperCase();
  return HEX_TAG.test(hex) ? hex : null;
}

export function vrOf(tag: string): string {
  const entry = dcmjs.data.DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  return entry?.vr ?? 'UN';
}

/** First value of an attribute as text (person names as their alphabetic form), or ''. */
export function getString(ds: DicomJsonDataset, tag: string): string {
  return getStrings(ds, tag)[0] ?? '';
}

export function getStrings(ds: DicomJsonDataset, tag: string): string[] {
  const values = ds[tag]?.Value;
  if (!Array.isArray(values)) return [];
  return values.map((v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') {
      const alphabetic = (v as { Alphabetic?: unknown }).Alphabetic;
      return typeof alphabetic === 'string' ? alphabetic : '';
    }
    return String(v).trim();
  });
}

export function getNumber(ds: DicomJsonDataset, tag: string): number | null {
  const v = ds[tag]?.Value?.[0];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Builds an attribute, leaving out empty values as the JSON model does. */
export function attr(vr: string, values: readonly unknown[]): DicomJsonAttribute {
  const kept = values.filter((v) => v !== undefined);
  return kept.length > 0 && !(kept.length === 1 && kept[0] === '')
    ? { vr, Value: [...kept] }
    : { vr };
}

export function pn(name: string): DicomJsonAttribute {
  return name ? { vr: 'PN', Value: [{ Alphabetic: name }] } : { vr: 'PN' };
}

/** Orders a dataset's attributes by tag, as the JSON model expects. */
export function sortDataset(ds: DicomJsonDataset): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const key of Object.keys(ds).sort()) out[key] = ds[key]!;
  return out;
}

/** DICOM DA `YYYYMMDD` → ISO `YYYY-MM-DD`, or null. */
export function isoDate(da: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
