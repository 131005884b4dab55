/**
 * Performance marks along the way from opening a case to its first images
 * (`performance.getEntriesByType('mark')`, names starting `tandem:open:`): where the time goes, for
 * the bench and for a trace (DevTools shows them on its timeline). Marks are taken only for a
 * few seconds after a case opens, so scrolling through a series adds none; they carry no patient
 * data (steps, viewport and load numbers only). No imports: the `tandem:` loader, which the e2e
 * decode page bundles alone, marks its steps too.
 */
export const OPEN_MARK_PREFIX = 'tandem:open:';

/** How long after a case opens its steps are marked. */
const WINDOW_MS = 5_000;

let until = -Infinity;
let loads = 0;

/** A case is opening: mark its steps for the next few seconds. */
export function beginOpening(): void {
  until = performance.now() + WINDOW_MS;
  loads = 0;
  markOpening('begin');
}

export function markOpening(step: string): void {
  if (performance.now() > until) return;
  performance.mark(OPEN_MARK_PREFIX + step);
}

/** A number for one image load of the opening (0 when no opening is being marked). */
export function nextOpeningLoad(): number {
  return performance.now() > until ? 0 : ++loads;
}
