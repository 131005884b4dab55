import { parseTandemImageId } from './measurement-convert.ts';

/**
 * Labels the overlay writes from an image's header: the laterality and view of a projection
 * image (mammography: "L CC", "R MLO") and the frame of a multi-frame instance ("Fr 3/24").
 */
export interface ProjectionHeader {
  /** Image Laterality (0020,0062), or Laterality (0020,0060) of the series */
  laterality?: string | undefined;
  /** View Position (0018,5101) */
  viewPosition?: string | undefined;
}

export function projectionLabel(header: ProjectionHeader): string {
  const laterality = header.laterality?.trim().toUpperCase() ?? '';
  const side = laterality === 'L' || laterality === 'R' || laterality === 'B' ? laterality : '';
  const view = header.viewPosition?.trim().toUpperCase() ?? '';
  return [side, view].filter(Boolean).join(' ');
}

/** "Fr 3/24" for frame 3 of a 24-frame instance; empty for single-frame images. */
export function frameLabel(
  imageId: string | undefined,
  numberOfFrames: number | undefined,
): string {
  if (!imageId || !numberOfFrames || numberOfFrames <= 1) return '';
  const { frameIndex } = parseTandemImageId(imageId);
  return `Fr ${frameIndex + 1}/${numberOfFrames}`;
}
