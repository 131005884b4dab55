import { useEffect, useState } from 'react';
import { sortInstancesForDisplay } from '../../shared/dicomweb/instance-order.ts';
import type { InstanceSummary } from '../../shared/dicomweb/qido-client.ts';
import { wadoUriUrl } from '../../shared/dicomweb/wado-uri.ts';
import { useServices } from '../app/services.ts';

export type SeriesImages =
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; imageIds: string[] };

/**
 * Cornerstone image ids of a series in display order. For now images stream from the backend's
 * WADO-URI endpoint (`wadouri:` scheme); the sync issue moves them to the local cache.
 */
export function useSeriesImageIds(studyUid: string, seriesUid: string | undefined): SeriesImages {
  const { qido, wadoUriUrl: wadoPath } = useServices();
  const [result, setResult] = useState<SeriesImages>({ state: 'loading' });

  useEffect(() => {
    if (!seriesUid) return;
    let cancelled = false;
    setResult({ state: 'loading' });
    qido.searchInstances(studyUid, seriesUid).then(
      (instances) => {
        if (!cancelled) {
          setResult({
            state: 'ready',
            imageIds: imageIdsFor(wadoPath, sortInstancesForDisplay(instances)),
          });
        }
      },
      (error: unknown) => !cancelled && setResult({ state: 'error', error }),
    );
    return () => {
      cancelled = true;
    };
  }, [qido, wadoPath, studyUid, seriesUid]);

  return result;
}

function imageIdsFor(wadoPath: string, instances: readonly InstanceSummary[]): string[] {
  const ids: string[] = [];
  for (const instance of instances) {
    const url = wadoUriUrl(wadoPath, instance);
    const frames = instance.numberOfFrames ?? 1;
    if (frames <= 1) ids.push(`wadouri:${url}`);
    else for (let f = 1; f <= frames; f++) ids.push(`wadouri:${url}&frame=${f}`);
  }
  return ids;
}
