import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { PIXEL_DATA } from '../../shared/sync/verify-instance.ts';

/**
 * Headers read for their metadata alone (slice linking looks up every image's position, a
 * volume needs every slice's geometry), by image id: each is the part of a file before its
 * pixels (`readStoredHeader`), parsed, a few kilobytes where the file is hundreds. The viewer's
 * metadata provider answers from them while their case is open; they are forgotten when it is
 * left (or at sign-out). Before, the whole file of every image of both series was read, unsealed,
 * parsed and kept on the page's main thread until the case was left.
 */
export interface HeaderSets {
  /** parses what a header read gave; false when it does not parse (the caller reads the file) */
  add(imageId: string, bytes: ArrayBuffer, generation: number): boolean;
  get(imageId: string): DataSet | undefined;
  has(imageId: string): boolean;
  /** the current case's generation: a read that began under an older one keeps nothing */
  generation(): number;
  /** the case is left, or the user signed out */
  clear(): void;
  readonly size: number;
  /** the bytes the parsed headers hold */
  readonly bytes: number;
}

export function headerSets(): HeaderSets {
  const byImage = new Map<string, DataSet>();
  let generation = 0;
  let bytes = 0;
  return {
    add(imageId, buffer, at) {
      let dataSet: DataSet;
      try {
        // a whole file (one that cannot be cut before its pixels) parses up to them as well
        dataSet = dicomParser.parseDicom(new Uint8Array(buffer), { untilTag: PIXEL_DATA });
      } catch {
        return false;
      }
      if (at !== generation || byImage.has(imageId)) return true;
      byImage.set(imageId, dataSet);
      bytes += dataSet.byteArray.byteLength;
      return true;
    },
    get: (imageId) => byImage.get(imageId),
    has: (imageId) => byImage.has(imageId),
    generation: () => generation,
    clear() {
      generation++;
      byImage.clear();
      bytes = 0;
    },
    get size() {
      return byImage.size;
    },
    get bytes() {
      return bytes;
    },
  };
}

/** The page's header sets (one case is open at a time). */
export const pageHeaderSets = headerSets();
