import { Enums, imageLoadPoolManager } from '@cornerstonejs/core';
import { utilities as toolUtilities } from '@cornerstonejs/tools';
import { afterFirstImages } from './first-images.ts';

/**
 * Images read ahead of the reader (Cornerstone's stack prefetch), at most this many on either side
 * of the one shown: images behind the reader are usually decoded already (a first pass shows
 * them), so in practice this is the window ahead in the direction of scrolling. Bounded, so a
 * viewport left on one image does not fill the image cache (and the parsed files beside it) with
 * the whole series.
 */
export const READ_AHEAD_IMAGES = 16;

/**
 * Images read ahead at once (each read from the cache, unsealed and decoded): as many as there
 * are decode workers, so the viewport's own requests (Cornerstone's interaction requests, sent
 * before any prefetch request) wait for at most one image per worker. Cornerstone's default is
 * 1000, that is every image of the window at once.
 */
export const READ_AHEAD_AT_ONCE = 2;

const PREFETCH = Enums.RequestType.Prefetch;

/** Once per page, before any viewport reads ahead. */
export function configureReadAhead(): void {
  toolUtilities.stackPrefetch.setConfiguration({
    maxImagesToPrefetch: READ_AHEAD_IMAGES,
    // a new image shown drops the requests queued for the old window
    preserveExistingPool: false,
  });
  imageLoadPoolManager.setMaxSimultaneousRequests(PREFETCH, READ_AHEAD_AT_ONCE);
}

/**
 * A reader who moves by more than this many images from one image shown to the next is flying
 * past (a fast wheel, a held key, a jump): the images skipped are not wanted now, and decoding
 * them would only hold back the one asked for (and fill the image cache with images not read).
 */
export const READ_AHEAD_MAX_STEP = 1;

/** How long a reader who flew past must rest on an image before reading ahead resumes. */
export const READ_AHEAD_REST_MS = 150;

/** Whether the move from one image shown to the next is a reader reading image by image. */
export function readsImageByImage(previous: number, next: number): boolean {
  return Math.abs(next - previous) <= READ_AHEAD_MAX_STEP;
}

/**
 * Reads a stack viewport's images ahead of the reader, in the loader's workers, while the reader
 * looks at the image shown. It begins only once every viewport of an opening shows its first
 * image, so it never competes with them; it pauses while the reader flies past images and resumes
 * once the reader reads image by image again or rests. Returns what stops it (the viewport is
 * closed or shows another series): nothing more of `imageIds` is read ahead after that, beyond
 * the few requests already under way.
 */
export function readAhead(element: HTMLDivElement, imageIds: readonly string[]): () => void {
  let stopped = false;
  let started = false;
  let reading = false;
  let shown = -1;
  let rest: ReturnType<typeof setTimeout> | undefined;
  const resume = () => {
    if (stopped || reading || !element.isConnected) return;
    toolUtilities.stackPrefetch.enable(element);
    reading = true;
  };
  const pause = () => {
    if (!reading) return;
    reading = false;
    try {
      toolUtilities.stackPrefetch.disable(element);
    } catch {
      // Its listeners are removed first; what throws is reading the state of an element the
      // rendering engine has already let go (the viewport closed before this cleanup ran), and
      // then the queued requests are not dropped: they are dropped below.
    }
    dropQueuedReadAhead(imageIds);
  };
  // added before the prefetch's own listener, so a pause takes effect for this image already
  const onNewImage = (evt: Event) => {
    const { imageIdIndex } = (evt as CustomEvent<{ imageIdIndex: number }>).detail;
    const stepping = shown < 0 || readsImageByImage(shown, imageIdIndex);
    shown = imageIdIndex;
    clearTimeout(rest);
    if (!started) return;
    if (stepping) {
      resume();
      return;
    }
    pause();
    rest = setTimeout(resume, READ_AHEAD_REST_MS);
  };
  element.addEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
  void afterFirstImages().then(() => {
    started = true;
    resume();
  });
  return () => {
    stopped = true;
    clearTimeout(rest);
    element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
    pause();
  };
}

/** Drops the read-ahead requests still queued for these images (not those under way). */
export function dropQueuedReadAhead(imageIds: readonly string[]): void {
  const ids = new Set(imageIds);
  imageLoadPoolManager.filterRequests(
    (request) => !isReadAheadOf(ids, request.type, request.additionalDetails),
  );
}

/** Whether a queued request is a read-ahead of one of `ids`. */
export function isReadAheadOf(
  ids: ReadonlySet<string>,
  type: Enums.RequestType,
  details: unknown,
): boolean {
  if (type !== PREFETCH) return false;
  const imageId = (details as { imageId?: unknown } | undefined)?.imageId;
  return typeof imageId === 'string' && ids.has(imageId);
}
