import { open } from 'node:fs/promises';
import dcmjs, { type DcmjsDict } from 'dcmjs';
import { TAG, type DicomJsonAttribute, type DicomJsonDataset } from './dicom-json.ts';

dcmjs.log.setLevel('silent');

/**
 * Header-only reading of DICOM Part-10 files: the file is read from the start in growing chunks
 * until the parse reaches the Pixel Data element, so pixel data is never loaded.
 */
export interface DicomHeader {
  transferSyntaxUid: string;
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  sopClassUid: string;
  /** every attribute before Pixel Data, in the DICOM JSON model; large binaries are `BulkDataURI: "bulk:<tag>"` placeholders */
  dataset: DicomJsonDataset;
}

export class DicomParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DicomParseError';
  }
}

const FIRST_CHUNK = 64 * 1024;
const INLINE_BINARY_LIMIT = 1024;
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const UID = /^[0-9]+(\.[0-9]+)*$/;

export const BULK_PLACEHOLDER = 'bulk:';

export async function readDicomHeader(path: string): Promise<DicomHeader> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let chunk = Math.min(size, FIRST_CHUNK);
    for (;;) {
      const buffer = Buffer.alloc(chunk);
      await handle.read(buffer, 0, chunk, 0);
      const parsed = tryParse(buffer, chunk === size);
      if (parsed) return parsed;
      if (chunk === size) throw new DicomParseError('not a readable DICOM Part-10 file');
      chunk = Math.min(size, chunk * 4);
    }
  } finally {
    await handle.close();
  }
}

export function parseDicomHeader(bytes: Buffer): DicomHeader {
  const parsed = tryParse(bytes, true);
  if (!parsed) throw new DicomParseError('not a readable DICOM Part-10 file');
  return parsed;
}

/** null when the chunk ended before the header did (and more of the file exists). */
function tryParse(buffer: Buffer, whole: boolean): DicomHeader | null {
  if (buffer.length < 132 || buffer.toString('latin1', 128, 132) !== 'DICM') {
    if (whole || buffer.length >= 132)
      throw new DicomParseError('missing the DICM preamble of a Part-10 file');
    return null;
  }
  const arrayBuffer = buffer.buffer.slice(
    buffer.byteOffset,
    buffer.byteOffset + buffer.length,
  ) as ArrayBuffer;
  let parsed;
  try {
    parsed = dcmjs.data.DicomMessage.readFile(arrayBuffer, {
      untilTag: TAG.PixelData,
      includeUntilTagValue: false,
    });
  } catch (err) {
    if (!whole) return null;
    throw new DicomParseError(
      `unreadable DICOM data (${err instanceof Error ? err.message.slice(0, 120) : 'parse error'})`,
    );
  }
  const reachedPixelData = TAG.PixelData in parsed.dict;
  if (!reachedPixelData && !whole) return null;

  const transferSyntaxUid = firstString(parsed.meta, '00020010');
  const encapsulated = ![
    '1.2.840.10008.1.2',
    '1.2.840.10008.1.2.1',
    '1.2.840.10008.1.2.2',
    '1.2.840.10008.1.2.1.99',
  ].includes(transferSyntaxUid);
  const dataset = toDicomJson(parsed.dict, 0);
  if (reachedPixelData) {
    dataset[TAG.PixelData] = {
      vr: encapsulated ? 'OB' : 'OW',
      BulkDataURI: BULK_PLACEHOLDER + TAG.PixelData,
    };
  }
  const header: DicomHeader = {
    transferSyntaxUid,
    studyUid: firstString(parsed.dict, TAG.StudyInstanceUID),
    seriesUid: firstString(parsed.dict, TAG.SeriesInstanceUID),
    sopUid: firstString(parsed.dict, TAG.SOPInstanceUID),
    sopClassUid: firstString(parsed.dict, TAG.SOPClassUID) || firstString(parsed.meta, '00020002'),
    dataset,
  };
  for (const [name, uid] of [
    ['Study Instance UID', header.studyUid],
    ['Series Instance UID', header.seriesUid],
    ['SOP Instance UID', header.sopUid],
  ] as const) {
    if (!uid) throw new DicomParseError(`the ${name} is missing`);
    if (!UID.test(uid) || uid.length > 64)
      throw new DicomParseError(`the ${name} is not a valid UID`);
  }
  if (!transferSyntaxUid) throw new DicomParseError('the Transfer Syntax UID is missing');
  return header;
}

function firstString(dict: DcmjsDict, tag: string): string {
  const v = dict[tag]?.Value;
  const first = Array.isArray(v) ? v[0] : undefined;
  return typeof first === 'string' ? first.replace(/\0/g, '').trim() : '';
}

/** dcmjs' dictionary → the DICOM JSON model (its shape is nearly the same; binaries differ). */
function toDicomJson(dict: DcmjsDict, depth: number): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const key of Object.keys(dict).sort()) {
    const tag = key.toUpperCase();
    if (tag === TAG.PixelData && depth === 0) continue;
    if (tag.endsWith('0000')) continue; // group lengths are retired
    const el = dict[key]!;
    const vr = typeof el.vr === 'string' ? el.vr : 'UN';
    const values = Array.isArray(el.Value) ? el.Value : [];
    out[tag] = convert(tag, vr, values, depth);
  }
  return out;
}

function convert(tag: string, vr: string, values: unknown[], depth: number): DicomJsonAttribute {
  if (vr === 'SQ') {
    const items = values.filter((v): v is DcmjsDict => typeof v === 'object' && v !== null);
    return items.length ? { vr, Value: items.map((item) => toDicomJson(item, depth + 1)) } : { vr };
  }
  if (BINARY_VRS.has(vr)) {
    const bytes = binaryOf(values);
    if (bytes.length === 0) return { vr };
    if (bytes.length <= INLINE_BINARY_LIMIT) return { vr, InlineBinary: bytes.toString('base64') };
    return depth === 0 ? { vr, BulkDataURI: BULK_PLACEHOLDER + tag } : { vr };
  }
  if (vr === 'PN') {
    const names = values.map((v) => {
      if (v && typeof v === 'object') {
        const out: Record<string, string> = {};
        for (const k of ['Alphabetic', 'Ideographic', 'Phonetic']) {
          const part = (v as Record<string, unknown>)[k];
          if (typeof part === 'string' && part !== '') out[k] = part;
        }
        return out;
      }
      return typeof v === 'string' && v !== '' ? { Alphabetic: v } : {};
    });
    return names.some((n) => Object.keys(n).length > 0) ? { vr, Value: names } : { vr };
  }
  const cleaned = values.map((v) => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v.replace(/\0/g, '').trimEnd();
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'bigint') return Number(v);
    return String(v);
  });
  const hasValue = cleaned.some((v) => v !== null && v !== '');
  return hasValue ? { vr, Value: cleaned } : { vr };
}

function binaryOf(values: unknown[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v instanceof ArrayBuffer) parts.push(Buffer.from(v));
    else if (ArrayBuffer.isView(v)) parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  }
  return Buffer.concat(parts);
}
