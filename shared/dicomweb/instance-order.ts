/** What ordering a series for display needs to know about one instance. */
export interface OrderableInstance {
  sopInstanceUid: string;
  instanceNumber?: number | undefined;
  imagePositionPatient?: readonly number[] | undefined;
  imageOrientationPatient?: readonly number[] | undefined;
}

/** Distance of the image plane along its normal, or undefined without position and orientation. */
export function slicePosition(instance: OrderableInstance): number | undefined {
  const p = instance.imagePositionPatient;
  const o = instance.imageOrientationPatient;
  if (!p || p.length !== 3 || !o || o.length !== 6) return undefined;
  const [rx, ry, rz, cx, cy, cz] = o as [number, number, number, number, number, number];
  const normal = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx] as const;
  return p[0]! * normal[0] + p[1]! * normal[1] + p[2]! * normal[2];
}

/**
 * Display order of a series: by InstanceNumber, then by position along the slice normal, then by
 * SOP Instance UID so the order is stable whatever order the server listed them in.
 */
export function sortInstancesForDisplay<T extends OrderableInstance>(instances: readonly T[]): T[] {
  const keyed = instances.map((instance) => ({ instance, position: slicePosition(instance) }));
  keyed.sort((a, b) => {
    const na = a.instance.instanceNumber;
    const nb = b.instance.instanceNumber;
    if (na !== undefined && nb !== undefined && na !== nb) return na - nb;
    if (na !== undefined && nb === undefined) return -1;
    if (na === undefined && nb !== undefined) return 1;
    if (a.position !== undefined && b.position !== undefined && a.position !== b.position) {
      return a.position - b.position;
    }
    return a.instance.sopInstanceUid < b.instance.sopInstanceUid
      ? -1
      : a.instance.sopInstanceUid > b.instance.sopInstanceUid
        ? 1
        : 0;
  });
  return keyed.map((k) => k.instance);
}
