import { cache, eventTarget, getEnabledElements, getRenderingEngines } from '@cornerstonejs/core';
import { annotation, SynchronizerManager, ToolGroupManager } from '@cornerstonejs/tools';
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { pageHeaderSets } from './header-sets.ts';
import { keptHeaders } from './kept-headers.ts';

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
  /** of which the files of images in the image cache (given back with their images), bytes */
  cachedImageFileBytes: number;
  /** parsed files without a decoded image in the cache (header reads), count */
  headerOnlyFiles: number;
  /** headers read alone for their metadata (header-sets.ts), and the bytes they hold */
  headerSets: number;
  headerSetBytes: number;
  /** decoded images whose parsed files were given back, their headers kept (kept-headers.ts) */
  keptHeaders: number;
}

/** The files the DICOM loader has parsed, as its events tell (it has no list to read). */
const parsed = new Set<string>();

function trackParsedFiles(event: Event): void {
  const { uri, action } = (event as CustomEvent<{ uri: string; action: string }>).detail;
  if (action === 'loaded') parsed.add(uri);
  else if (action === 'unloaded') parsed.delete(uri);
}

/** A file's image is in the image cache (single-frame `tandem:<uid>`, or its first frame). */
function imageCached(uri: string): boolean {
  return (
    cache.getImageLoadObject(`tandem:${uri}`) !== undefined ||
    cache.getImageLoadObject(`tandem:${uri}&frame=0`) !== undefined
  );
}

export function resourceCensus(): ResourceCensus {
  const engines = getRenderingEngines() ?? [];
  const files = wadouri.dataSetCacheManager.getInfo();
  let cachedImageFileBytes = 0;
  let headerOnlyFiles = 0;
  for (const uri of parsed) {
    const dataSet = wadouri.dataSetCacheManager.get(uri) as { byteArray?: Uint8Array } | undefined;
    if (!dataSet) {
      parsed.delete(uri); // purged at sign-out, which says nothing
    } else if (imageCached(uri)) {
      cachedImageFileBytes += dataSet.byteArray?.length ?? 0;
    } else {
      headerOnlyFiles++;
    }
  }
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
    cachedImageFileBytes,
    headerOnlyFiles,
    headerSets: pageHeaderSets.size,
    headerSetBytes: pageHeaderSets.bytes,
    keptHeaders: keptHeaders.size,
  };
}

/**
 * `window.tandemViewerResources()` for tests and the memory bench: installed with Cornerstone
 * and kept for the page's life, so it can be read after the viewer has gone.
 */
export function installResourceCensus(): void {
  eventTarget.addEventListener('datasetscachechanged', trackParsedFiles);
  (window as unknown as { tandemViewerResources?: () => ResourceCensus }).tandemViewerResources =
    resourceCensus;
}
