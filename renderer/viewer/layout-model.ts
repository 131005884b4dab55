/**
 * The viewer's layout: how many viewports, what each shows, which of them move together. The
 * hanging protocols set it when a case opens (`setLayout`); the case view renders whatever is set
 * (`useLayout`), and the toolbar, keys and drag-and-drop change it through the same store.
 *
 * Public API (kept stable for the hanging protocols):
 *
 *   setLayout(layout, caseId?)   // replace the layout (caseId: the case it belongs to)
 *   getLayout() / useLayout()     // the current layout, or null when none is set
 *   layoutCaseId()                // the case the current layout was set for, or null
 *   subscribeLayout(listener)     // called after every change; returns the unsubscribe
 *   clearLayout()                 // back to "none set" (the case view then hangs its default)
 *   updateLayout(fn)              // derive a new layout from the current one
 *
 * Plain types on purpose: this is in-memory view state, not data crossing a boundary.
 */
import { useSyncExternalStore } from 'react';

export type ViewportOrientation = 'stack' | 'axial' | 'sagittal' | 'coronal';
export type SyncKind = 'slice' | 'zoompan' | 'voi';

export interface ViewportSpec {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** a preset name from voi-presets.ts (e.g. "Lung"), applied when the series first shows */
  voiPreset?: string;
  /** 'stack' (default) shows the images as acquired; the others reformat a volume (MPR) */
  orientation?: ViewportOrientation;
  flipHorizontal?: boolean;
  /** shown on the viewport, e.g. "prior: 2025-03-02, 14 months earlier" */
  label?: string;
}

export interface SyncGroup {
  id: string;
  kinds: SyncKind[];
  viewportIndexes: number[];
}

export interface ViewerLayout {
  rows: number;
  columns: number;
  /** row-major, length rows × columns; null is an empty slot */
  viewports: (ViewportSpec | null)[];
  syncGroups: SyncGroup[];
}

type Listener = () => void;

let current: ViewerLayout | null = null;
let currentCaseId: string | null = null;
const listeners = new Set<Listener>();

function emit(): void {
  for (const listener of [...listeners]) listener();
}

/** Replaces the layout. Slots are padded with null (or cut) to rows × columns. */
export function setLayout(layout: ViewerLayout, caseId?: string): void {
  current = normaliseLayout(layout);
  if (caseId !== undefined) currentCaseId = caseId;
  emit();
}

export function updateLayout(fn: (layout: ViewerLayout) => ViewerLayout): void {
  if (!current) return;
  setLayout(fn(current));
}

export function clearLayout(): void {
  current = null;
  currentCaseId = null;
  emit();
}

export function getLayout(): ViewerLayout | null {
  return current;
}

export function layoutCaseId(): string | null {
  return currentCaseId;
}

export function subscribeLayout(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLayout(): ViewerLayout | null {
  return useSyncExternalStore(subscribeLayout, getLayout, getLayout);
}

/** Layout maths: rows/columns clamped to 1..4 (custom up to 4×4), slots fitted to the grid. */
export const MAX_GRID = 4;

export function clampGrid(n: number): number {
  return Math.max(1, Math.min(MAX_GRID, Math.round(Number.isFinite(n) ? n : 1)));
}

export function normaliseLayout(layout: ViewerLayout): ViewerLayout {
  const rows = clampGrid(layout.rows);
  const columns = clampGrid(layout.columns);
  const size = rows * columns;
  const viewports = layout.viewports.slice(0, size);
  while (viewports.length < size) viewports.push(null);
  const syncGroups = layout.syncGroups.map((g) => ({
    ...g,
    viewportIndexes: g.viewportIndexes.filter((i) => i >= 0 && i < size),
  }));
  return { rows, columns, viewports, syncGroups };
}

/**
 * The same viewports in a new grid: those shown keep their place in reading order; new slots are
 * filled from `fill` (series not shown yet, in order), then left empty.
 */
export function regrid(
  layout: ViewerLayout,
  rows: number,
  columns: number,
  fill: readonly ViewportSpec[] = [],
): ViewerLayout {
  const size = clampGrid(rows) * clampGrid(columns);
  const shown = layout.viewports.filter((v): v is ViewportSpec => v !== null);
  const shownKeys = new Set(shown.map(specKey));
  const extra = fill.filter((f) => !shownKeys.has(specKey(f)));
  const viewports: (ViewportSpec | null)[] = [...shown, ...extra].slice(0, size);
  return normaliseLayout({ ...layout, rows, columns, viewports });
}

/** Puts a series into one slot (drag and drop, the series browser). */
export function placeSeries(layout: ViewerLayout, index: number, spec: ViewportSpec): ViewerLayout {
  if (index < 0 || index >= layout.viewports.length) return layout;
  const viewports = layout.viewports.slice();
  viewports[index] = spec;
  return { ...layout, viewports };
}

/** A key naming what a slot shows (study, series, orientation). */
export function specKey(spec: ViewportSpec): string {
  return `${spec.studyInstanceUid}|${spec.seriesInstanceUid}|${spec.orientation ?? 'stack'}`;
}

/** The standard grids offered on the toolbar, with their keys (Shift+digit in the shortcut map). */
export const STANDARD_GRIDS: readonly { rows: number; columns: number }[] = [
  { rows: 1, columns: 1 },
  { rows: 1, columns: 2 },
  { rows: 2, columns: 1 },
  { rows: 2, columns: 2 },
  { rows: 1, columns: 3 },
  { rows: 3, columns: 3 },
];

/** One sync group with every shown slot, linking slice position and zoom/pan (the default link). */
export function linkAll(layout: ViewerLayout, kinds: SyncKind[] = ['slice', 'zoompan']): SyncGroup {
  const indexes = layout.viewports.flatMap((v, i) => (v ? [i] : []));
  return { id: 'linked', kinds, viewportIndexes: indexes };
}
