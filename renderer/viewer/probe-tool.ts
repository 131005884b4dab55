import { cache } from '@cornerstonejs/core';
import { ProbeTool } from '@cornerstonejs/tools';

interface ProbeStats {
  index?: number[] | null;
  value?: unknown;
}

/**
 * Cornerstone's probe, reading the right pixel on a stack. On a stack viewport its statistics
 * look the value up at the slice index of the image in the series, in the voxels of that one
 * image: on every image but the first it finds none, so the probe shows no text and its row no
 * value. This keeps the tool and reads the missing value from the image the probe is on.
 */
export class StackProbeTool extends ProbeTool {
  static override toolName = ProbeTool.toolName;

  override _calculateCachedStats(
    annotation: { data: { cachedStats?: Record<string, ProbeStats> } },
    renderingEngine: unknown,
    enabledElement: unknown,
    changeType?: Parameters<ProbeTool['_calculateCachedStats']>[3],
  ): Record<string, ProbeStats> {
    const stats = super._calculateCachedStats(
      annotation,
      renderingEngine,
      enabledElement,
      changeType,
    ) as Record<string, ProbeStats>;
    for (const [targetId, s] of Object.entries(stats)) {
      if (!targetId.startsWith('imageId:') || s.value !== undefined || !s.index) continue;
      const value = pixelValue(targetId.slice('imageId:'.length), s.index);
      if (value !== undefined) s.value = value;
    }
    return stats;
  }
}

/** The modality value (e.g. HU) of one pixel of a loaded image, or undefined outside it. */
function pixelValue(imageId: string, index: readonly number[]): number | undefined {
  const image = cache.getImage(imageId);
  const [i = -1, j = -1] = index;
  if (!image || i < 0 || j < 0 || i >= image.columns || j >= image.rows) return undefined;
  const raw = image.getPixelData()[j * image.columns + i];
  if (raw === undefined) return undefined;
  // decoded images are usually stored rescaled already (Cornerstone's pre-scaling)
  return image.preScale?.scaled ? raw : raw * (image.slope ?? 1) + (image.intercept ?? 0);
}
