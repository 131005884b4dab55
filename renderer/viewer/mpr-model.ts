import type { SyncGroup, ViewerLayout, ViewportOrientation, ViewportSpec } from './layout-model.ts';

/**
 * Multiplanar reformatting as layouts: one volume series shown axial, sagittal and coronal side
 * by side (the crosshairs tie them together), and the MIP slab thicknesses a key steps through.
 * Pure: the case view and the hanging protocols decide when, the MPR viewport draws it.
 */
export const MPR_ORIENTATIONS: readonly Exclude<ViewportOrientation, 'stack'>[] = [
  'axial',
  'sagittal',
  'coronal',
];

/** Modalities whose series MPR reformats (cross-sectional, with a slice position per image). */
const VOLUME_MODALITIES = new Set(['CT']);

/** Fewer images than this give no useful reformat. */
export const MPR_MIN_IMAGES = 10;

export function canReformat(series: { modality: string; numberOfInstances?: number }): boolean {
  return (
    VOLUME_MODALITIES.has(series.modality) &&
    (series.numberOfInstances === undefined || series.numberOfInstances >= MPR_MIN_IMAGES)
  );
}

export function isMprLayout(layout: ViewerLayout): boolean {
  return layout.viewports.some((v) => v?.orientation !== undefined && v.orientation !== 'stack');
}

/** The 1×3 MPR of one series, keeping its window preset; the three share one window. */
export function mprLayout(spec: ViewportSpec): ViewerLayout {
  const base: ViewportSpec = {
    studyInstanceUid: spec.studyInstanceUid,
    seriesInstanceUid: spec.seriesInstanceUid,
    ...(spec.voiPreset ? { voiPreset: spec.voiPreset } : {}),
  };
  const syncGroups: SyncGroup[] = [{ id: 'mpr-voi', kinds: ['voi'], viewportIndexes: [0, 1, 2] }];
  return {
    rows: 1,
    columns: 3,
    viewports: MPR_ORIENTATIONS.map((orientation) => ({ ...base, orientation })),
    syncGroups,
  };
}

/** MIP slab thicknesses (mm) in the order a key steps through them; 0 is a plain thin slice. */
export const MIP_SLABS_MM: readonly number[] = [0, 5, 10, 20];

export function nextSlab(currentMm: number): number {
  // the thinnest step above the current one, back to none after the thickest
  const next = MIP_SLABS_MM.find((mm) => mm > currentMm + 0.5);
  return next ?? 0;
}

export function slabText(mm: number): string {
  return mm > 0 ? `MIP ${mm} mm` : '';
}

export const ORIENTATION_NAME: Readonly<Record<ViewportOrientation, string>> = {
  stack: 'Acquired',
  axial: 'Axial',
  sagittal: 'Sagittal',
  coronal: 'Coronal',
};

/**
 * The sync groups the synchronizers can honour: slice position and zoom/pan link stacks only
 * (reformats follow each other through their crosshairs); a window links everything.
 */
export function linkableGroups(groups: readonly SyncGroup[], layout: ViewerLayout): SyncGroup[] {
  const isStack = (i: number) => {
    const spec = layout.viewports[i];
    return !!spec && (spec.orientation ?? 'stack') === 'stack';
  };
  const out: SyncGroup[] = [];
  for (const group of groups) {
    const stackKinds = group.kinds.filter((k) => k !== 'voi');
    const stacks = group.viewportIndexes.filter(isStack);
    if (stacks.length === group.viewportIndexes.length || stackKinds.length === 0) {
      out.push(group);
      continue;
    }
    if (stacks.length > 1) out.push({ ...group, kinds: stackKinds, viewportIndexes: stacks });
    if (group.kinds.includes('voi')) {
      out.push({ id: `${group.id}-voi`, kinds: ['voi'], viewportIndexes: group.viewportIndexes });
    }
  }
  return out;
}
