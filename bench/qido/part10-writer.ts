// A minimal DICOM Part-10 writer (Explicit VR Little Endian) for the synthetic QIDO store: enough
// for small, valid CT instances whose headers the backend indexes. Not a general encoder.

const SHORT_LENGTH_VRS = new Set([
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FL',
  'FD',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'SL',
  'SS',
  'ST',
  'TM',
  'UI',
  'UL',
  'US',
]);

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** One data element: tag as 8 hex digits (group then element), its VR and its value. */
export interface Element {
  tag: string;
  vr: string;
  /** strings are joined with `\`; numbers are written as US; bytes as they are */
  value: string | readonly string[] | number | Uint8Array;
}

function encodeValue(e: Element): Uint8Array {
  if (e.value instanceof Uint8Array) return padEven(e.value, 0);
  if (typeof e.value === 'number') {
    const out = new Uint8Array(2);
    new DataView(out.buffer).setUint16(0, e.value, true);
    return out;
  }
  const text = typeof e.value === 'string' ? e.value : e.value.join('\\');
  // UIDs are padded with NUL, other strings with a space.
  return padEven(new TextEncoder().encode(text), e.vr === 'UI' ? 0 : 0x20);
}

function padEven(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}

function encodeElement(e: Element): Uint8Array {
  const value = encodeValue(e);
  const short = SHORT_LENGTH_VRS.has(e.vr);
  const head = new Uint8Array(short ? 8 : 12);
  const view = new DataView(head.buffer);
  view.setUint16(0, parseInt(e.tag.slice(0, 4), 16), true);
  view.setUint16(2, parseInt(e.tag.slice(4, 8), 16), true);
  head[4] = e.vr.charCodeAt(0);
  head[5] = e.vr.charCodeAt(1);
  if (short) view.setUint16(6, value.length, true);
  else view.setUint32(8, value.length, true);
  const out = new Uint8Array(head.length + value.length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A Part-10 file: preamble, `DICM`, File Meta Information, then the data set (elements sorted by tag). */
export function writePart10(
  sopClassUid: string,
  sopInstanceUid: string,
  dataset: readonly Element[],
): Uint8Array {
  const metaBody = concat(
    [
      { tag: '00020001', vr: 'OB', value: new Uint8Array([0, 1]) },
      { tag: '00020002', vr: 'UI', value: sopClassUid },
      { tag: '00020003', vr: 'UI', value: sopInstanceUid },
      { tag: '00020010', vr: 'UI', value: EXPLICIT_VR_LITTLE_ENDIAN },
      { tag: '00020012', vr: 'UI', value: '2.25.95125960455411316327432318133006404913' },
      { tag: '00020013', vr: 'SH', value: 'TANDEM_BENCH' },
    ].map(encodeElement),
  );
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, metaBody.length, true);
  const sorted = [...dataset].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return concat([
    new Uint8Array(128),
    new TextEncoder().encode('DICM'),
    encodeElement({ tag: '00020000', vr: 'UL', value: groupLength }),
    metaBody,
    ...sorted.map(encodeElement),
  ]);
}
