import { cache, volumeLoader, type Types } from '@cornerstonejs/core';
import { initCornerstone, preloadHeaders } from './cornerstone-setup.ts';

/**
 * The volume of a series for MPR: Cornerstone's streaming image volume, built from the same
 * `tandem:` image ids the stack viewports show, so its slices come from this workstation's cache
 * through the same loader and decoders. One volume per series, shared by the three reformats.
 */
export interface SeriesVolume {
  volumeId: string;
  /** resolves once every slice is in the volume */
  loaded: Promise<void>;
}

/** The streaming volume's `load` takes a callback for the end of loading (its type omits it). */
interface StreamingLoad {
  load(done?: () => void): void;
}

interface Entry {
  promise: Promise<SeriesVolume>;
  /** the volume is in Cornerstone's cache (from then on its absence means it was purged) */
  cached: boolean;
}

const volumes = new Map<string, Entry>();

/**
 * The id carries no `scheme:` prefix, so Cornerstone's default volume loader (the streaming one)
 * builds it (FIELD-NOTES: MPR from a local volume).
 */
export function volumeIdFor(seriesUid: string, imageCount: number): string {
  return `tandem-volume-${seriesUid}-${imageCount}`;
}

export function seriesVolume(
  seriesUid: string,
  imageIds: readonly string[],
): Promise<SeriesVolume> {
  const volumeId = volumeIdFor(seriesUid, imageIds.length);
  const found = volumes.get(volumeId);
  // a purged volume (sign-out, memory budget) is built again
  if (found && (!found.cached || cache.getVolumeLoadObject(volumeId))) return found.promise;
  const entry: Entry = { promise: createVolume(volumeId, imageIds), cached: false };
  volumes.set(volumeId, entry);
  entry.promise.then(
    () => (entry.cached = true),
    () => volumes.delete(volumeId),
  );
  return entry.promise;
}

async function createVolume(volumeId: string, imageIds: readonly string[]): Promise<SeriesVolume> {
  await initCornerstone();
  // the volume's geometry is computed from every slice's header before a voxel is read
  await preloadHeaders(imageIds, true);
  const volume = (await volumeLoader.createAndCacheVolume(volumeId, {
    imageIds: [...imageIds],
  })) as Types.IStreamingImageVolume & StreamingLoad;
  // called once every slice has been processed (a failed slice is shown by its viewport)
  const loaded = new Promise<void>((resolve) => volume.load(() => resolve()));
  return { volumeId, loaded };
}
