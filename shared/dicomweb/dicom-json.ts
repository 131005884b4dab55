/**
 * Helpers for the DICOM JSON model (PS3.18 F.2): a dataset is an object keyed by the 8-hex-digit
 * tag, each attribute carrying its VR and an optional `Value` array.
 */

export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export type DicomJsonDataset = Record<string, DicomJsonAttribute | undefined>;

/** Tags this code reads, by keyword, as they appear in DICOM JSON. */
export const Tag = {
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  Modality: '00080060',
  SeriesDescription: '0008103E',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
} as const;
export type TagKeyword = keyof typeof Tag;

function attribute(ds: DicomJsonDataset, tag: string): DicomJsonAttribute | undefined {
  // Tags are upper-case hex by the standard; some servers send lower case.
  return ds[tag] ?? ds[tag.toLowerCase()];
}

/** The first value as a string (PN values give their Alphabetic form), or undefined. */
export function getString(ds: DicomJsonDataset, tag: string): string | undefined {
  const first = attribute(ds, tag)?.Value?.[0];
  if (first === undefined || first === null) return undefined;
  if (typeof first === 'string') return first;
  if (typeof first === 'number') return String(first);
  if (typeof first === 'object' && 'Alphabetic' in first) {
    const alphabetic = (first as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic : undefined;
  }
  return undefined;
}

/** All values as numbers (IS and DS may arrive as strings); undefined when absent or not numeric. */
export function getNumbers(ds: DicomJsonDataset, tag: string): number[] | undefined {
  const values = attribute(ds, tag)?.Value;
  if (!values || values.length === 0) return undefined;
  const out: number[] = [];
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
    if (!Number.isFinite(n)) return undefined;
    out.push(n);
  }
  return out;
}

/** The first value as a number, or undefined. */
export function getNumber(ds: DicomJsonDataset, tag: string): number | undefined {
  return getNumbers(ds, tag)?.[0];
}
