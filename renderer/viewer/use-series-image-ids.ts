import { useEffect, useState } from 'react';
import { seriesInDisplayOrder } from '../../shared/cache/db.ts';
import { sortInstancesForDisplay } from '../../shared/dicomweb/instance-order.ts';
import type { SeriesSummary } from '../../shared/domain/case.ts';
import { TandemError } from '../../shared/api/errors.ts';
import { connectionStore } from '../app/connection-store.ts';
import { cacheDb } from '../app/local-cache.ts';
import { useServices } from '../app/services.ts';
import { isUnreachable } from '../app/session-controller.ts';
import { sessionStore } from '../app/session-store.ts';
import { tandemImageId } from './tandem-image-loader.ts';

export type SeriesImages =
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; imageIds: string[] };

interface Listed {
  sopInstanceUid: string;
  instanceNumber?: number | undefined;
  numberOfFrames?: number | undefined;
}

/**
 * Cornerstone image ids of a series in display order, all `tandem:` ids read from the cache.
 * Which instances the series has comes from the cache when it holds the whole series; otherwise,
 * online, from the server's list (images not cached yet are waited for as the sync worker brings
 * them), and offline from what the cache holds.
 */
export function useSeriesImageIds(
  studyUid: string,
  series: SeriesSummary | undefined,
): SeriesImages {
  const { qido } = useServices();
  // tagged with its series, so a series just selected never shows the last one's images
  const [result, setResult] = useState<{ seriesUid: string; images: SeriesImages } | null>(null);
  const seriesUid = series?.seriesInstanceUid;
  const expected = series?.numberOfInstances ?? 0;

  useEffect(() => {
    if (!seriesUid) return;
    let cancelled = false;
    listSeriesImages(seriesUid, expected, () => qido.searchInstances(studyUid, seriesUid)).then(
      (imageIds) => !cancelled && setResult({ seriesUid, images: { state: 'ready', imageIds } }),
      (error: unknown) => !cancelled && setResult({ seriesUid, images: { state: 'error', error } }),
    );
    return () => {
      cancelled = true;
    };
  }, [qido, studyUid, seriesUid, expected]);

  return result && result.seriesUid === seriesUid ? result.images : { state: 'loading' };
}

/**
 * The image ids of a series whole in the cache, by series and expected count: a series' instances
 * do not change, so the viewport and the thumbnail of a series, and the case opened again, share
 * one read of its rows (each row carries its file, which IndexedDB hands over as a Blob: reading
 * a few hundred costs the cache tens of milliseconds). Reads in flight are shared too.
 */
const listed = new Map<string, Promise<string[]>>();
// what a reader opened is not remembered past their session
sessionStore.subscribe(() => {
  if (sessionStore.get().status === 'signed-out') listed.clear();
});

function listSeriesImages(
  seriesUid: string,
  expected: number,
  fromServer: () => Promise<Listed[]>,
): Promise<string[]> {
  const key = `${seriesUid}|${expected}`;
  const known = listed.get(key);
  if (known) return known;
  let whole = false;
  // in display order
  const reading = (async (): Promise<readonly Listed[]> => {
    const cached = await seriesInDisplayOrder(cacheDb(), seriesUid);
    if (cached.length >= expected || connectionStore.get() === 'offline') {
      if (cached.length) {
        whole = cached.length >= expected;
        return cached;
      }
      throw new TandemError(
        'not-cached',
        'The images of this series are not on this workstation yet, and the server cannot be reached.',
      );
    }
    try {
      return sortInstancesForDisplay(await fromServer());
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      connectionStore.set('offline');
      if (cached.length) return cached;
      throw err;
    }
  })().then(imageIdsFor);
  listed.set(key, reading);
  // kept only when the cache held the whole series; otherwise read again next time
  const forget = () => {
    if (listed.get(key) === reading) listed.delete(key);
  };
  reading.then(() => whole || forget(), forget);
  return reading;
}

function imageIdsFor(instances: readonly Listed[]): string[] {
  const ids: string[] = [];
  for (const instance of instances) {
    const frames = instance.numberOfFrames ?? 1;
    if (frames <= 1) ids.push(tandemImageId(instance.sopInstanceUid));
    else for (let f = 1; f <= frames; f++) ids.push(tandemImageId(instance.sopInstanceUid, f));
  }
  return ids;
}
