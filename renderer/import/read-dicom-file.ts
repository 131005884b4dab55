import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import type { SeriesSummary, StudySummary } from '../../shared/domain/case.ts';
import type { VerifiedInstance } from '../../shared/sync/records.ts';
import { verifyPart10 } from '../../shared/sync/verify-instance.ts';

/**
 * Reads one file of a local import (a patient's CD): is it a DICOM Part-10 image, and what study
 * and series does it belong to? Validation is the sync path's own (`verifyPart10`), so a local
 * instance is checked exactly as a downloaded one; only the header is read into JavaScript, the
 * pixel data stays in the file's Blob.
 */

/** What one accepted file adds to the cache: the instance and the study/series it belongs to. */
export interface ReadInstance {
  instance: VerifiedInstance;
  study: Omit<StudySummary, 'series' | 'numberOfInstances' | 'modalities'>;
  series: Omit<SeriesSummary, 'numberOfInstances'>;
  /** for the local case's clinical context */
  patient: { age: string; sex: string; referringPhysician: string };
}

export type ReadResult = { ok: true; read: ReadInstance } | { ok: false; reason: string };

const PIXEL_DATA = 'x7fe00010';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';
const HEAD_BYTES = 256 * 1024;
const UID = /^[0-9]+(\.[0-9]+)*$/;

export const DIRECTORY_FILE_REASON = 'directory file (DICOMDIR), not an image';

function text(ds: DataSet, tag: string, max: number): string {
  const value =
    ds
      .string(tag)
      ?.replace(/[\0 ]+$/, '')
      .trim() ?? '';
  return value.length > max ? value.slice(0, max) : value;
}

function uid(ds: DataSet, tag: string): string | undefined {
  const value = text(ds, tag, 64);
  return UID.test(value) ? value : undefined;
}

/** DICOM DA (YYYYMMDD, or the old YYYY.MM.DD) as YYYY-MM-DD; empty when absent or malformed. */
function isoDate(value: string): string {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : '';
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return 'unreadable header';
}

async function bytesOf(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

/**
 * Inflates a raw deflate stream as far as it goes: enough to read the header even when the
 * stream is followed by padding (the verifier then judges the file as a whole).
 */
async function inflateHead(deflated: Blob): Promise<Uint8Array> {
  const reader = deflated.stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch (err) {
    if (!length) throw err;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The data set of a deflated file: its meta header followed by the inflated rest. */
async function parseDeflated(blob: Blob, meta: DataSet): Promise<DataSet> {
  const groupLength = meta.uint32('x00020000');
  const element = meta.elements['x00020000'];
  if (groupLength === undefined || !element) throw new Error('no file meta group length');
  const start = element.dataOffset + element.length + groupLength;
  const head = await bytesOf(blob, 0, start);
  const inflated = await inflateHead(blob.slice(start));
  const full = new Uint8Array(start + inflated.length);
  full.set(head, 0);
  full.set(inflated, start);
  return dicomParser.parseDicom(full, { untilTag: PIXEL_DATA, inflater: () => full });
}

/** The header of a Part-10 file up to its pixel data, or why it is not one. */
async function readHeader(blob: Blob): Promise<DataSet | string> {
  if (blob.size < 132) return 'not a DICOM file (too short)';
  let head = await bytesOf(blob, 0, Math.min(blob.size, HEAD_BYTES));
  if (String.fromCharCode(head[128]!, head[129]!, head[130]!, head[131]!) !== 'DICM') {
    return 'not a DICOM Part-10 file (no DICM prefix)';
  }
  let meta: DataSet;
  try {
    meta = dicomParser.readPart10Header(head);
  } catch {
    head = await bytesOf(blob, 0, blob.size);
    try {
      meta = dicomParser.readPart10Header(head);
    } catch (err) {
      return `damaged file meta header: ${describe(err)}`;
    }
  }
  if (text(meta, 'x00020002', 64) === MEDIA_STORAGE_DIRECTORY) return DIRECTORY_FILE_REASON;
  const ts = text(meta, 'x00020010', 64);
  if (!ts) return 'damaged file meta header: it names no transfer syntax';
  try {
    if (ts === DEFLATED) return await parseDeflated(blob, meta);
    try {
      const ds = dicomParser.parseDicom(head, { untilTag: PIXEL_DATA });
      if (ds.elements[PIXEL_DATA] || head.length === blob.size) return ds;
    } catch (err) {
      if (head.length === blob.size) throw err;
    }
    // the header is longer than the prefix read: read the whole file
    return dicomParser.parseDicom(await bytesOf(blob, 0, blob.size), { untilTag: PIXEL_DATA });
  } catch (err) {
    return `damaged header: ${describe(err)}`;
  }
}

/** Reads and validates one file. */
export async function readDicomFile(file: Blob): Promise<ReadResult> {
  const ds = await readHeader(file);
  if (typeof ds === 'string') return { ok: false, reason: ds };
  if (!ds.elements[PIXEL_DATA]) {
    return { ok: false, reason: 'holds no image (a report, plan or other non-image object)' };
  }
  const sopInstanceUid = uid(ds, 'x00080018') ?? uid(ds, 'x00020003');
  const studyInstanceUid = uid(ds, 'x0020000d');
  const seriesInstanceUid = uid(ds, 'x0020000e');
  if (!sopInstanceUid || !studyInstanceUid || !seriesInstanceUid) {
    return { ok: false, reason: 'lacks a valid study, series or SOP Instance UID' };
  }
  const verified = await verifyPart10(file, { sopInstanceUid, size: file.size });
  if (!verified.ok) {
    // the verifier speaks of downloads; a local file with two SOP Instance UIDs is inconsistent
    const reason =
      verified.code === 'wrong-instance'
        ? 'its file meta header and its data set name different SOP Instance UIDs'
        : verified.reason;
    return { ok: false, reason };
  }

  const studyDate =
    isoDate(text(ds, 'x00080020', 10)) ||
    isoDate(text(ds, 'x00080021', 10)) ||
    isoDate(text(ds, 'x00080023', 10));
  const modality = text(ds, 'x00080060', 16) || 'OT';
  const bodyPart = text(ds, 'x00180015', 64);
  const seriesNumber = ds.intString('x00200011');
  const laterality = text(ds, 'x00200060', 4) || text(ds, 'x00200062', 4);
  const viewPosition = text(ds, 'x00185101', 16);
  const studyTime = text(ds, 'x00080030', 16);
  return {
    ok: true,
    read: {
      instance: {
        sopInstanceUid,
        studyInstanceUid,
        seriesInstanceUid,
        sopClassUid: verified.sopClassUid,
        transferSyntaxUid: verified.transferSyntaxUid,
        instanceNumber: verified.instanceNumber ?? ds.intString('x00200013'),
        numberOfFrames: verified.numberOfFrames ?? ds.intString('x00280008'),
        rows: verified.rows ?? ds.uint16('x00280010'),
        columns: verified.columns ?? ds.uint16('x00280011'),
        size: file.size,
        blob: file,
      },
      study: {
        studyInstanceUid,
        accessionNumber: text(ds, 'x00080050', 64),
        studyDate,
        ...(studyTime ? { studyTime } : {}),
        description: text(ds, 'x00081030', 200),
        bodyPart,
        patientId: text(ds, 'x00100020', 64),
        patientName: text(ds, 'x00100010', 200),
      },
      series: {
        seriesInstanceUid,
        seriesNumber: Number.isFinite(seriesNumber) ? (seriesNumber ?? null) : null,
        modality,
        description: text(ds, 'x0008103e', 200),
        ...(bodyPart ? { bodyPart } : {}),
        ...(laterality ? { laterality } : {}),
        ...(viewPosition ? { viewPosition } : {}),
      },
      patient: {
        age: text(ds, 'x00101010', 16),
        sex: text(ds, 'x00100040', 16),
        referringPhysician: text(ds, 'x00080090', 200),
      },
    },
  };
}
