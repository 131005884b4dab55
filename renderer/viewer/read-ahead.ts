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
 * Reads a stack viewport's images ahead of the reader, in the loader's workers, while the reader
 * looks at the image shown. It begins only once every viewport of an opening shows its first
 * image, so it never competes with them. Returns what stops it (the viewport is closed or shows
 * another series): nothing more of `imageIds` is read ahead after that, beyond the few requests
 * already under way.
 */
export function readAhead(element: HTMLDivElement, imageIds: readonly string[]): () => void {
  let stopped = false;
  let enabled = false;
  void afterFirstImages().then(() => {
    if (stopped || !element.isConnected) return;
    toolUtilities.stackPrefetch.enable(element);
    enabled = true;
  });
  return () => {
    stopped = true;
    if (!enabled) return;
    try {
      toolUtilities.stackPrefetch.disable(element);
    } catch {
      // Its listeners are removed first; what throws is reading the state of an element the
      // rendering engine has already let go (the viewport closed before this cleanup ran), and
      // then the queued requests are not dropped: they are dropped below.
    }
    dropQueuedReadAhead(imageIds);
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
