import { metaData, utilities, type Types } from '@cornerstonejs/core';

/**
 * Shows on `to` its image nearest the position of the image `from` shows (through the two
 * viewports' registration: the identity, by table position), as Cornerstone's callback does, but
 * by asking for that image outright. Cornerstone's callback jumps by a difference counted from
 * the image the target *shows*, which the target then adds to the image it was *asked* for: while
 * the target's images are still loading (a first pass through a prior) every step overshot, and
 * the prior ran off to the end of its series.
 */
export function followByPosition(from: Types.IStackViewport, to: Types.IStackViewport): void {
  const plane = (imageId: string | undefined) =>
    imageId
      ? (metaData.get('imagePlaneModule', imageId) as
          { imagePositionPatient?: Types.Point3 } | undefined)
      : undefined;
  const source = plane(from.getCurrentImageId())?.imagePositionPatient;
  if (!source) return;
  const registration = utilities.spatialRegistrationMetadataProvider.get(
    'spatialRegistrationModule',
    to.id,
    from.id,
  ) as ArrayLike<number> | undefined;
  if (!registration && from.getFrameOfReferenceUID() !== to.getFrameOfReferenceUID()) return;
  const point = registration ? transformPoint(registration, source) : source;
  let best = -1;
  let bestDistance = Infinity;
  to.getImageIds().forEach((imageId, index) => {
    const position = plane(imageId)?.imagePositionPatient;
    if (!position) return;
    const distance = Math.hypot(
      position[0] - point[0],
      position[1] - point[1],
      position[2] - point[2],
    );
    if (distance < bestDistance) {
      bestDistance = distance;
      best = index;
    }
  });
  if (best >= 0 && best !== to.getTargetImageIdIndex()) void to.setImageIdIndex(best);
}

/** A point through a 4 × 4 affine matrix stored column-major (as Cornerstone keeps registrations). */
export function transformPoint(m: ArrayLike<number>, p: Types.Point3): Types.Point3 {
  const at = (i: number) => m[i] ?? 0;
  return [
    at(0) * p[0] + at(4) * p[1] + at(8) * p[2] + at(12),
    at(1) * p[0] + at(5) * p[1] + at(9) * p[2] + at(13),
    at(2) * p[0] + at(6) * p[1] + at(10) * p[2] + at(14),
  ];
}
