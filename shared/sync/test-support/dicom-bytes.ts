/**
 * Byte-level surgery on DICOM Part-10 files (little endian), for hostile-input tests: find an
 * element's tag, its length field, overwrite it. No parser: these work on files too damaged to parse.
 */

/** VRs whose explicit-VR header has 2 reserved bytes and a 4-byte length. */
export const LONG_VRS: ReadonlySet<string> = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);

export const isUpper = (b: number | undefined) => b !== undefined && b >= 0x41 && b <= 0x5a;

/** Offsets where the tag (group, element) is written little endian. */
export function findTag(bytes: Uint8Array, group: number, element: number, from = 132): number[] {
  const out: number[] = [];
  const g0 = group & 0xff;
  const g1 = group >> 8;
  const e0 = element & 0xff;
  const e1 = element >> 8;
  for (let i = from; i + 8 <= bytes.length; i++) {
    if (bytes[i] === g0 && bytes[i + 1] === g1 && bytes[i + 2] === e0 && bytes[i + 3] === e1)
      out.push(i);
  }
  return out;
}

/** Where the length field of the element at `pos` is, and how wide, guessing explicit or implicit VR. */
export function lengthField(bytes: Uint8Array, pos: number): { at: number; width: 2 | 4 } {
  if (isUpper(bytes[pos + 4]) && isUpper(bytes[pos + 5])) {
    const vr = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!);
    return LONG_VRS.has(vr) ? { at: pos + 8, width: 4 } : { at: pos + 6, width: 2 };
  }
  return { at: pos + 4, width: 4 };
}

export function writeUint(bytes: Uint8Array, at: number, width: 2 | 4, value: number): void {
  if (at + width > bytes.length) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 2) view.setUint16(at, value & 0xffff, true);
  else view.setUint32(at, value >>> 0, true);
}

/**
 * A copy of `bytes` whose last (group, element) claims a length of `value` (clipped to its
 * field's width) while the bytes stay as they were. Throws when the file has no such element.
 */
export function withElementLength(
  bytes: Uint8Array,
  group: number,
  element: number,
  value: number,
): Uint8Array {
  const out = bytes.slice();
  const pos = findTag(out, group, element, group === 0x0002 ? 128 : 132).at(-1);
  if (pos === undefined)
    throw new Error(`no element (${group.toString(16)},${element.toString(16)})`);
  const field = lengthField(out, pos);
  writeUint(out, field.at, field.width, field.width === 2 ? Math.min(value, 0xffff) : value);
  return out;
}

/** Where the value of the last (group, element) starts, e.g. the first byte of the pixel data. */
export function valueOffset(bytes: Uint8Array, group: number, element: number): number {
  const pos = findTag(bytes, group, element).at(-1);
  if (pos === undefined)
    throw new Error(`no element (${group.toString(16)},${element.toString(16)})`);
  const field = lengthField(bytes, pos);
  return field.at + field.width;
}
