import { registerImageLoader } from '@cornerstonejs/core';
import { wadouri } from '@cornerstonejs/dicom-image-loader';

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

export function registerTandemImageLoader(source: InstanceBytes): void {
  registerImageLoader(TANDEM_SCHEME, (imageId, options) => {
    // `url` is the SOP Instance UID; `pixelDataFrame` the zero-based frame, when one is named
    const { url: sopInstanceUid, pixelDataFrame } = wadouri.parseImageId(imageId);
    const dataSet = wadouri.dataSetCacheManager.load(
      sopInstanceUid,
      (uid) => source.bytes(uid),
      imageId,
    );
    const loaded = wadouri.loadImageFromPromise(
      dataSet,
      imageId,
      pixelDataFrame ?? 0,
      sopInstanceUid,
      options ?? {},
    );
    return checkedLoad(loaded);
  });
}

/**
 * The loader's answer with its pixels checked. `decache` is asked for, not copied: the DICOM
 * loader sets it on its own object only once the file is parsed, and Cornerstone calls it when
 * its image cache lets the image go, which gives back the parsed file (a copy taken at once
 * would have none, and every parsed file would stay in memory for the page's life).
 */
export function checkedLoad<
  I extends { minPixelValue: number; maxPixelValue: number },
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
 * Cornerstone draws as a black canvas with a NaN window; fail the load so the viewport says why.
 */
function decodedOrThrow<T extends { minPixelValue: number; maxPixelValue: number }>(image: T): T {
  if (!Number.isFinite(image.minPixelValue) || !Number.isFinite(image.maxPixelValue)) {
    throw new Error('the image data is damaged and could not be decoded');
  }
  return image;
}
