import { utilities } from '@cornerstonejs/core';

/** 4×4 identity, column-major as gl-matrix stores it. */
const IDENTITY = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

/**
 * Registers viewports by table position, so a prior (its own frame of reference) scrolls with the
 * current. Cornerstone 5.14's image-slice synchronizer registers two frames of reference itself
 * with `calculateViewportsSpatialRegistration`, which looks up the image plane of a slice *index*
 * as if it were an image id, finds none and gives up: the prior never moves. Patient coordinates
 * of axial CT and MR are the table's (z is the table position), so the registration of a
 * follow-up on the same kind of scanner is the identity; it is recorded for every ordered pair
 * of viewports of a slice group before the synchronizer first runs.
 */
export function registerByTablePosition(viewportIds: readonly string[]): void {
  for (const a of viewportIds) {
    for (const b of viewportIds) {
      if (a !== b) utilities.spatialRegistrationMetadataProvider.add([a, b], IDENTITY);
    }
  }
}
