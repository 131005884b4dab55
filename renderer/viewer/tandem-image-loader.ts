import { registerImageLoader } from '@cornerstonejs/core';
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import type { DataSet } from 'dicom-parser';
import { markOpening, nextOpeningLoad } from './open-marks.ts';
import type { DecodedHeaders } from './decoded-headers.ts';

/**
 * The `tandem:` image loader (ARCHITECTURE.md, Viewer reads from the cache): an image id is
 * `tandem:<SOP Instance UID>` (with `&frame=<n>` for a frame of a multi-frame instance), and its
 * bytes come from this workstation's cache, never the network. The Part-10 file read from the
 * cache goes through the DICOM image loader's own dataset cache under the SOP Instance UID, so
 * its metadata provider, decoders and decode workers do the rest, exactly as for `wadouri:`.
 */
export const TANDEM_SCHEME = 'tandem';

/** Where the loader gets an instance's Part-10 bytes (waiting for the sync worker if need be). */
export interface InstanceBytes {
  bytes(sopInstanceUid: string): Promise<ArrayBuffer>;
}

export function tandemImageId(sopInstanceUid: string, frame?: number): string {
  return frame === undefined
    ? `${TANDEM_SCHEME}:${sopInstanceUid}`
    : `${TANDEM_SCHEME}:${sopInstanceUid}&frame=${frame}`;
}

export function registerTandemImageLoader(source: InstanceBytes, headers?: DecodedHeaders): void {
  registerImageLoader(TANDEM_SCHEME, (imageId, options) => {
    // `url` is the SOP Instance UID; `pixelDataFrame` the zero-based frame, when one is named
    const { url: sopInstanceUid, pixelDataFrame } = wadouri.parseImageId(imageId);
    const n = nextOpeningLoad();
    const mark = (step: string) => n && markOpening(`load${n}:${step}`);
    mark('start');
    const dataSet = wadouri.dataSetCacheManager.load(
      sopInstanceUid,
      (uid) =>
        source.bytes(uid).then((b) => {
          mark('bytes');
          return b;
        }),
      imageId,
    );
    const loaded = wadouri.loadImageFromPromise(
      dataSet.then((ds) => {
        mark('parsed');
        return decodableOrThrow(ds, pixelDataFrame ?? 0);
      }),
      imageId,
      pixelDataFrame ?? 0,
      sopInstanceUid,
      options ?? {},
    );
    if (n)
      void loaded.promise.then(
        () => mark('decoded'),
        () => mark('failed'),
      );
    return checkedLoad(
      headers ? givingFileBack(loaded, imageId, sopInstanceUid, pixelDataFrame, headers) : loaded,
    );
  });
}

/**
 * The loader's answer, whose parsed file is given back as soon as its image is decoded (the image
 * keeps no reference to it either): its header is kept in `headers`, which answers the metadata
 * Cornerstone and the tools ask for while the image is in the cache. The file's pixels are then
 * held once (decoded, in Cornerstone's budget), not twice. A frame of a multi-frame file keeps the
 * file, as the loader does: the other frames are read from it.
 */
export function givingFileBack<I extends object>(
  loaded: { promise: Promise<I>; cancelFn?: (() => void) | undefined; decache?: () => void },
  imageId: string,
  url: string,
  frame: number | undefined,
  headers: Pick<DecodedHeaders, 'keep' | 'forget'>,
  files: {
    get(url: string): DataSet | undefined;
    unload(url: string): void;
  } = wadouri.dataSetCacheManager,
): { promise: Promise<I>; cancelFn: (() => void) | undefined; decache: () => void } {
  // `decache` may come before the image is decoded (the load given up): the file goes then
  let decached = false;
  let givenBack = false;
  const promise = loaded.promise.then((image) => {
    const dataSet = files.get(url);
    const frames = dataSet?.intString('x00280008') ?? 1;
    if (decached || !dataSet || frame !== undefined || frames > 1) return image;
    headers.keep(imageId, {
      laterality: dataSet.string('x00200062') ?? dataSet.string('x00200060'),
      viewPosition: dataSet.string('x00185101'),
      numberOfFrames: dataSet.intString('x00280008'),
    });
    // the loader's image holds its parsed file too (`image.data`), which nothing here reads
    delete (image as { data?: unknown }).data;
    givenBack = true;
    files.unload(url);
    return image;
  });
  return {
    promise,
    cancelFn: loaded.cancelFn,
    decache: () => {
      decached = true;
      headers.forget(imageId);
      if (!givenBack) loaded.decache?.();
    },
  };
}

/** What the checks read of a decoded image. */
interface DecodedPixels {
  minPixelValue: number;
  maxPixelValue: number;
  rows: number;
  columns: number;
  getPixelData(): ArrayLike<number>;
}

/**
 * The loader's answer with its pixels checked. `decache` is asked for, not copied: the DICOM
 * loader sets it on its own object only once the file is parsed, and Cornerstone calls it when
 * its image cache lets the image go, which gives back the parsed file (a copy taken at once
 * would have none, and every parsed file would stay in memory for the page's life).
 */
export function checkedLoad<
  I extends DecodedPixels,
  L extends { promise: Promise<I>; cancelFn?: (() => void) | undefined; decache?: () => void },
>(loaded: L): { promise: Promise<I>; cancelFn: (() => void) | undefined; decache: () => void } {
  return {
    promise: loaded.promise.then(decodedOrThrow),
    cancelFn: loaded.cancelFn,
    decache: () => loaded.decache?.(),
  };
}

/**
 * A damaged compressed stream can decode "successfully" into pixels without values (NaN), which
 * Cornerstone draws as a black canvas with a NaN window, or into fewer pixels than the header's
 * rows × columns (a JPEG of 100 × 100 in a header saying 1 × 32768); fail the load so the
 * viewport says why.
 */
function decodedOrThrow<T extends DecodedPixels>(image: T): T {
  if (!Number.isFinite(image.minPixelValue) || !Number.isFinite(image.maxPixelValue)) {
    throw new Error('the image data is damaged and could not be decoded');
  }
  if (image.getPixelData().length < image.rows * image.columns) {
    throw new Error('the image data is smaller than its header says, so the file is damaged');
  }
  return image;
}

/** More pixels in a frame than any real image has (16384 × 16384): a damaged header. */
const MAX_FRAME_PIXELS = 2 ** 28;
const RLE = '1.2.840.10008.1.2.5';

/**
 * Headers the decoders would spend minutes on (a worker busy for good, every image after it
 * waiting): a frame claiming billions of pixels, or RLE pixel data whose header is not RLE's
 * (1 to 15 segments, offsets inside the fragment) or that is not encapsulated at all; and a frame
 * of no pixels, which would decode into a blank viewport; compressed frames that cannot be found
 * (a damaged offset table). Refused before decoding, with a reason.
 */
function decodableOrThrow(dataSet: DataSet, frame: number): DataSet {
  if (!dataSet.elements['x00280010'] || !dataSet.elements['x00280011']) {
    throw new Error('the file holds no image (it has no rows and columns)');
  }
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  if (rows * columns > MAX_FRAME_PIXELS || rows * columns === 0) {
    throw new Error(`the image claims ${columns} × ${rows} pixels, so its header is damaged`);
  }
  const transferSyntax = dataSet.string('x00020010')?.replace(/[\0 ]+$/, '');
  const fragments = dataSet.elements['x7fe00010']?.fragments;
  const fragment = fragments?.[frame] ?? fragments?.[0];
  if (transferSyntax === RLE && !fragment) {
    throw new Error('the image data is not compressed as its header says (RLE)');
  }
  if (transferSyntax === RLE && fragment) {
    const bytes = dataSet.byteArray;
    const at = fragment.position;
    const int32 = (i: number) =>
      at + i + 4 <= bytes.length
        ? new DataView(bytes.buffer, bytes.byteOffset + at + i, 4).getInt32(0, true)
        : -1;
    const segments = fragment.length >= 64 ? int32(0) : -1;
    let valid = segments >= 1 && segments <= 15;
    for (let s = 1; valid && s <= segments; s++) {
      const offset = int32(s * 4);
      valid = offset >= 64 && offset < fragment.length;
    }
    if (!valid) throw new Error('the compressed image data is damaged (not valid RLE)');
  }
  // The DICOM image loader reads the frame out of the fragments inside a promise callback whose
  // throw it never passes on (a lost load, a viewport waiting for good): read it here first.
  // Compressed frames are small; uncompressed ones the verifier has already measured.
  if (fragments) {
    try {
      wadouri.getPixelData(dataSet, frame);
    } catch {
      throw new Error('the compressed image data is damaged (its frames cannot be found)');
    }
  }
  return dataSet;
}
