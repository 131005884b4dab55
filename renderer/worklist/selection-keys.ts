/** The keys that move the worklist's selection. */
export const SELECTION_KEYS = [
  'ArrowDown',
  'ArrowUp',
  'PageDown',
  'PageUp',
  'Home',
  'End',
] as const;

/**
 * Where a key moves the selection in a list of `count` rows, of which about `pageSize` fit on
 * screen (PageUp/PageDown move by a screenful); `undefined` when the key does not move it. Works
 * on positions only, so it is the same whether the rows are all in the page or only the visible ones.
 */
export function moveSelection(
  key: string,
  current: number,
  count: number,
  pageSize: number,
): number | undefined {
  if (count === 0) return undefined;
  const last = count - 1;
  const page = Math.max(1, Math.floor(pageSize));
  const from = Math.min(Math.max(current, 0), last);
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, from + 1);
    case 'ArrowUp':
      return Math.max(0, from - 1);
    case 'PageDown':
      return Math.min(last, from + page);
    case 'PageUp':
      return Math.max(0, from - page);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return undefined;
  }
}
