import { utilities as toolUtilities } from '@cornerstonejs/tools';
import { afterFirstImages } from './first-images.ts';

/**
 * Reads a stack viewport's images ahead of the reader with Cornerstone's own context prefetch:
 * the images around the one shown, more of them in the direction the reader scrolls, then the
 * series around it up to a quarter of the image cache. Decoding is done in the loader's workers
 * while the reader looks at the image shown, so a first pass through a series does not wait for
 * each image's read, unsealing and decoding in turn.
 *
 * It begins only once every viewport of an opening shows its first image, so it never competes
 * with them. Returns what stops it (the viewport is closed, or shows another series).
 */
export function readAhead(element: HTMLDivElement): () => void {
  let stopped = false;
  void afterFirstImages().then(() => {
    if (!stopped && element.isConnected) toolUtilities.stackContextPrefetch.enable(element);
  });
  return () => {
    stopped = true;
    try {
      toolUtilities.stackContextPrefetch.disable(element);
    } catch {
      // Its listeners are removed first; what throws is reading the state of an element the
      // rendering engine has already let go (the viewport closed before this cleanup ran).
    }
  };
}
