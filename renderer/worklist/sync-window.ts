/** Rows are watched in blocks of this many, so scrolling a little does not start a new query. */
export const SYNC_WINDOW_BLOCK = 50;

/**
 * The rows whose sync progress to watch: the blocks holding rows `first`..`last` (the rendered
 * ones), and the next block, where scrolling down goes first.
 */
export function syncWindow(first: number, last: number, count: number): [number, number] {
  if (count === 0 || last < first) return [0, 0];
  const from = Math.floor(first / SYNC_WINDOW_BLOCK) * SYNC_WINDOW_BLOCK;
  const to = Math.min(count, (Math.floor(last / SYNC_WINDOW_BLOCK) + 2) * SYNC_WINDOW_BLOCK);
  return [from, to];
}
