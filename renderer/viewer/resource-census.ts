import { cache, getEnabledElements, getRenderingEngines } from '@cornerstonejs/core';
import { annotation, SynchronizerManager, ToolGroupManager } from '@cornerstonejs/tools';
import { wadouri } from '@cornerstonejs/dicom-image-loader';

/**
 * What the viewer holds in Cornerstone at a moment: counts and byte sizes only, never patient
 * data. After leaving a case, viewports, synchronizers and tool-group members must be back to
 * zero; the image cache and the parsed files behind it may stay (bounded by their budgets).
 */
export interface ResourceCensus {
  enabledElements: number;
  renderingEngines: number;
  /** viewports of every rendering engine */
  viewports: number;
  synchronizers: number;
  /** viewports still attached to a tool group, over every tool group */
  toolGroupViewports: number;
  annotations: number;
  /** Cornerstone's decoded image cache (images and volumes), bytes */
  imageCacheBytes: number;
  volumes: number;
  /** the DICOM loader's parsed files (their bytes, which the metadata provider reads), bytes */
  parsedFileBytes: number;
  parsedFiles: number;
}

export function resourceCensus(): ResourceCensus {
  const engines = getRenderingEngines() ?? [];
  const files = wadouri.dataSetCacheManager.getInfo();
  return {
    enabledElements: getEnabledElements().length,
    renderingEngines: engines.length,
    viewports: engines.reduce((n, e) => n + e.getViewports().length, 0),
    synchronizers: SynchronizerManager.getAllSynchronizers().length,
    toolGroupViewports: ToolGroupManager.getAllToolGroups().reduce(
      (n, g) => n + g.getViewportIds().length,
      0,
    ),
    annotations: annotation.state.getAllAnnotations().length,
    imageCacheBytes: cache.getCacheSize(),
    volumes: cache.getVolumes().length,
    parsedFileBytes: files.cacheSizeInBytes,
    parsedFiles: files.numberOfDataSetsCached,
  };
}

/**
 * `window.tandemViewerResources()` for tests and the memory bench: installed with Cornerstone
 * and kept for the page's life, so it can be read after the viewer has gone.
 */
export function installResourceCensus(): void {
  (window as unknown as { tandemViewerResources?: () => ResourceCensus }).tandemViewerResources =
    resourceCensus;
}
