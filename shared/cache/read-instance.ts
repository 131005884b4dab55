import dicomParser from 'dicom-parser';
import type { AtRestCipher } from './at-rest-cipher.ts';
import type { TandemDb } from './db.ts';

/**
 * An instance's Part-10 bytes from the cache, opened with `cipher` when its blob is sealed; null
 * when the instance is not stored. The viewer reads through this in its cache-reader worker (and
 * on the page where no worker runs), so both read a row the same way.
 */
export async function readStoredInstance(
  db: TandemDb,
  cipher: () => Promise<AtRestCipher>,
  sopInstanceUid: string,
): Promise<ArrayBuffer | null> {
  const row = await db.instances.get(sopInstanceUid);
  if (!row) return null;
  return (await cipher()).open(row.blob, row.sealed === true);
}

const PIXEL_DATA = 'x7fe00010';
/** (7FE0,0010) as it is written in little- and in big-endian files */
const PIXEL_DATA_TAGS = [
  [0xe0, 0x7f, 0x10, 0x00],
  [0x7f, 0xe0, 0x00, 0x10],
] as const;

/**
 * The Part-10 bytes before the Pixel Data element: preamble, file meta and every element of the
 * header, a few kilobytes of a file of hundreds. Null when the file cannot be cut there (its data
 * set is deflated, it has no pixel data, it does not parse).
 */
export function headerOf(bytes: ArrayBuffer): ArrayBuffer | null {
  const view = new Uint8Array(bytes);
  let dataOffset: number;
  try {
    const pixel = dicomParser.parseDicom(view, { untilTag: PIXEL_DATA }).elements[PIXEL_DATA];
    if (!pixel) return null;
    dataOffset = pixel.dataOffset;
  } catch {
    return null;
  }
  // the element's own tag, VR and length come before its value: 12 bytes (explicit VR), 8 (implicit)
  for (const lead of [12, 8]) {
    const at = dataOffset - lead;
    if (at < 0) continue;
    if (PIXEL_DATA_TAGS.some((tag) => tag.every((b, i) => view[at + i] === b))) {
      return bytes.slice(0, at);
    }
  }
  return null;
}

/**
 * What a header read needs of a stored instance: its header alone where the file can be cut
 * before its pixels (`headerOf`), else the whole file; null when it is not stored.
 */
export async function readStoredHeader(
  db: TandemDb,
  cipher: () => Promise<AtRestCipher>,
  sopInstanceUid: string,
): Promise<ArrayBuffer | null> {
  const bytes = await readStoredInstance(db, cipher, sopInstanceUid);
  return bytes === null ? null : (headerOf(bytes) ?? bytes);
}
