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
 * A reader whose image asked for is more than this many images from the one shown is flying past
 * images (a held key, a fast wheel, a jump): the images between are not wanted now, and decoding
 * them would only hold back the one asked for (the viewport skips them, as without reading
 * ahead). A reader reading image by image asks for the next image once the last one is shown.
 */
export const READ_AHEAD_MAX_STEP = 1;

/** How long a reader must read image by image (or rest) after flying past before reading ahead resumes. */
export const READ_AHEAD_REST_MS = 150;

/** Whether a reader who asked for `asked` while `shown` is on screen reads image by image. */
export function readsImageByImage(shown: number, asked: number): boolean {
  return Math.abs(asked - shown) <= READ_AHEAD_MAX_STEP;
}

/**
 * Reads a stack viewport's images ahead of the reader, in the loader's workers, while the reader
 * looks at the image shown. It begins only once every viewport of an opening shows its first
 * image, so it never competes with them; it pauses while the reader flies past images and resumes
 * once the viewport has caught up with the reader or the reader rests. Returns what stops it (the
 * viewport is closed or shows another series): nothing more of `imageIds` is read ahead after
 * that, beyond the few requests already under way.
 */
export function readAhead(element: HTMLDivElement, imageIds: readonly string[]): () => void {
  let stopped = false;
  let started = false;
  let reading = false;
  let shown = -1;
  let asked = -1;
  let rest: ReturnType<typeof setTimeout> | undefined;
  const resume = () => {
    if (stopped || !started || reading || !element.isConnected) return;
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
  const rested = () => {
    rest = undefined;
    resume();
  };
  // Paused at once, resumed only once the reader has read image by image (or rested) for a
  // while: a reader holding a key catches up with the viewport between two presses, and
  // resuming then would start decoding images about to be skipped.
  const follow = () => {
    if (shown >= 0 && asked >= 0 && !readsImageByImage(shown, asked)) {
      pause();
      clearTimeout(rest);
      rest = setTimeout(rested, READ_AHEAD_REST_MS);
    } else if (!reading && rest === undefined) {
      rest = setTimeout(rested, READ_AHEAD_REST_MS);
    }
  };
  // added before the prefetch's own listener, so a pause takes effect for this image already
  const onShown = (evt: Event) => {
    shown = (evt as CustomEvent<{ imageIdIndex: number }>).detail.imageIdIndex;
    follow();
  };
  const onScroll = (evt: Event) => {
    asked = (evt as CustomEvent<{ newImageIdIndex: number }>).detail.newImageIdIndex;
    follow();
  };
  const onAsked = (evt: Event) => {
    asked = (evt as CustomEvent<{ imageIdIndex: number }>).detail.imageIdIndex;
    follow();
  };
  element.addEventListener(Enums.Events.STACK_NEW_IMAGE, onShown);
  element.addEventListener(Enums.Events.STACK_VIEWPORT_SCROLL, onScroll);
  element.addEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onAsked);
  void afterFirstImages().then(() => {
    started = true;
    if (rest === undefined) resume();
  });
  return () => {
    stopped = true;
    clearTimeout(rest);
    element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, onShown);
    element.removeEventListener(Enums.Events.STACK_VIEWPORT_SCROLL, onScroll);
    element.removeEventListener(Enums.Events.PRE_STACK_NEW_IMAGE, onAsked);
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
