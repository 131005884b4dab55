import dcmjs from 'dcmjs';
import { fixtureUid, makeDicom } from '../../backend/test-support/dicom-fixtures.ts';
import { valueOffset, withElementLength } from '../../shared/sync/test-support/dicom-bytes.ts';

/**
 * Hostile and corrupt DICOM files for the viewer's local import: each starts as a valid image
 * written by dcmjs (`makeDicom`), each in a series of its own, then is damaged one way, either in
 * its header (re-written by dcmjs with lying values) or in its bytes (cut short, a length field
 * that lies). Deterministic: the same files every run.
 */

export interface HostileFile {
  name: string;
  /** what is wrong with it, for failure messages */
  damage: string;
  bytes: Uint8Array;
  seriesUid: string;
}

const PIXEL_DATA: [number, number] = [0x7fe0, 0x0010];
const STUDY_UID = fixtureUid(77, 1);

function valid(n: number, transferSyntaxUid?: string): { bytes: Uint8Array; seriesUid: string } {
  const seriesUid = fixtureUid(77, 1, n);
  const bytes = makeDicom({
    patientId: 'HOSTILE-1',
    patientName: 'Hostile^Files',
    birthDate: '19700101',
    sex: 'O',
    studyUid: STUDY_UID,
    studyDate: '20240101',
    accession: 'HOSTILE1',
    studyDescription: 'HOSTILE FILES',
    seriesUid,
    seriesNumber: n,
    seriesDescription: `hostile ${n}`,
    modality: 'CT',
    bodyPart: 'CHEST',
    sopUid: fixtureUid(77, 1, n, 1),
    instanceNumber: 1,
    ...(transferSyntaxUid ? { transferSyntaxUid } : {}),
  });
  return { bytes: new Uint8Array(bytes), seriesUid };
}

/** The file re-written by dcmjs with some attributes of its data set changed. */
function withAttributes(bytes: Uint8Array, changes: Record<string, unknown>): Uint8Array {
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  const dict = DicomMessage.readFile(bytes.slice().buffer);
  const dataset = { ...DicomMetaDictionary.naturalizeDataset(dict.dict), ...changes };
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

export function hostileFiles(): HostileFile[] {
  const files: HostileFile[] = [];
  const add = (
    name: string,
    damage: string,
    make: (v: { bytes: Uint8Array; seriesUid: string }) => Uint8Array,
    transferSyntaxUid?: string,
  ) => {
    const v = valid(files.length + 1, transferSyntaxUid);
    files.push({
      name,
      damage,
      bytes: make(v),
      seriesUid: v.seriesUid,
    });
  };
  add('zero-length.dcm', 'an empty file', () => new Uint8Array(0));
  add('preamble-only.dcm', 'the preamble and DICM, nothing else', (v) => v.bytes.slice(0, 132));
  add('truncated-pixel-data.dcm', 'pixel data cut after 40 of its 128 bytes', (v) =>
    v.bytes.slice(0, valueOffset(v.bytes, ...PIXEL_DATA) + 40),
  );
  add('pixel-length-huge.dcm', 'pixel data claims 0xFFFFFFF0 bytes', (v) =>
    withElementLength(v.bytes, ...PIXEL_DATA, 0xfffffff0),
  );
  add('pixel-length-odd.dcm', 'pixel data claims 127 of its 128 bytes', (v) =>
    withElementLength(v.bytes, ...PIXEL_DATA, 127),
  );
  add('name-length-huge.dcm', "the patient's name claims 65535 bytes", (v) =>
    withElementLength(v.bytes, 0x0010, 0x0010, 0xffff),
  );
  add('rows-length-wrong.dcm', 'Rows claims 3 bytes', (v) =>
    withElementLength(v.bytes, 0x0028, 0x0010, 3),
  );
  add('absurd-dimensions.dcm', '65535 × 65535 pixels claimed, 8 × 8 present', (v) =>
    withAttributes(v.bytes, { Rows: 65535, Columns: 65535 }),
  );
  add('billion-frames.dcm', '999,999,999 frames claimed, one present', (v) =>
    withAttributes(v.bytes, { NumberOfFrames: 999_999_999 }),
  );
  add('three-frames-one-present.dcm', '3 frames claimed, one present', (v) =>
    withAttributes(v.bytes, { NumberOfFrames: 3 }),
  );
  add('zero-dimensions.dcm', '0 × 0 pixels', (v) =>
    withAttributes(v.bytes, { Rows: 0, Columns: 0 }),
  );
  add('bits-allocated-32.dcm', '32 bits allocated: 256 bytes of pixels claimed, 128 present', (v) =>
    withAttributes(v.bytes, { BitsAllocated: 32 }),
  );
  add(
    'bad-transfer-syntax.dcm',
    'an unknown transfer syntax UID',
    (v) => v.bytes,
    '1.2.3.4.5.6.7.8.9',
  );
  add(
    'jpeg-garbage.dcm',
    'JPEG baseline claimed, raw pixels inside',
    (v) => v.bytes,
    '1.2.840.10008.1.2.4.50',
  );
  return files;
}
