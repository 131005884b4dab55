import dicomParser from 'dicom-parser';
import type { AtRestCipher } from './at-rest-cipher.ts';
import type { TandemDb } from './db.ts';
import type { InstanceRow } from './rows.ts';
import { headerBeforePixels, PIXEL_DATA } from '../sync/verify-instance.ts';

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
  return row ? openFile(row, cipher) : null;
}

async function openFile(
  row: InstanceRow,
  cipher: () => Promise<AtRestCipher>,
): Promise<ArrayBuffer> {
  return (await cipher()).open(row.blob, row.sealed === true);
}

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
  return headerBeforePixels(view, dataOffset)?.slice().buffer ?? null;
}

/**
 * What a header read needs of a stored instance: the header the sync stored beside its file
 * (`InstanceRow.header`), else the file cut before its pixels (`headerOf`), else the whole file;
 * null when it is not stored.
 */
export async function readStoredHeader(
  db: TandemDb,
  cipher: () => Promise<AtRestCipher>,
  sopInstanceUid: string,
): Promise<ArrayBuffer | null> {
  const row = await db.instances.get(sopInstanceUid);
  if (!row) return null;
  if (row.header) return (await cipher()).openBytes(row.header, row.sealed === true);
  const bytes = await openFile(row, cipher);
  return headerOf(bytes) ?? bytes;
}
