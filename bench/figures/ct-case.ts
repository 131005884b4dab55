// The CT chest case the viewer figures read, resolved through the backend's own API the way the
// viewer resolves it: the case's study, its first series by series number, that series' instances
// in display order (the shared ordering the viewer uses), and their WADO-URI addresses.
import { ApiClient } from '../../shared/api/client.ts';
import { QidoClient } from '../../shared/dicomweb/qido-client.ts';
import { sortInstancesForDisplay } from '../../shared/dicomweb/instance-order.ts';
import { wadoUriUrl } from '../../shared/dicomweb/wado-uri.ts';
import { DEMO_PASSWORD } from '../browser/session.ts';

export const CT_CASE_ID = 'case-ct-chest-nodule-followup';
export const CT_READER = 'radiologist1';
/**
 * A CT chest case of the same reader whose current and prior lung series have the same slice
 * spacing (3 mm both, `scripts/demo-data/catalog.ts`: p6 screening), so a prior linked by slice
 * position gets a new image at every step of the current (figure 9). The nodule follow-up's prior
 * has 2 mm slices against its current's 1 mm: it changes image at most every other step.
 */
export const EQUAL_SPACING_CASE_ID = 'case-ct-chest-screening-peer-review';

export interface CtCase {
  caseId: string;
  studyUid: string;
  seriesUid: string;
  seriesDescription: string;
  imageCount: number;
  /** same-origin WADO-URI paths of the series' images, in display order */
  imageUrls: string[];
}

export async function resolveCtCase(
  backendUrl: string,
  caseId: string = CT_CASE_ID,
): Promise<CtCase> {
  const { api, qido } = await apiFor(backendUrl, CT_READER);
  const detail = await api.caseDetail(caseId);
  // The viewer shows the series with the lowest series number first.
  const series = [...detail.study.series].sort(
    (a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity),
  )[0];
  if (!series) throw new Error(`${caseId} has no series`);
  const instances = sortInstancesForDisplay(
    await qido.searchInstances(detail.study.studyInstanceUid, series.seriesInstanceUid),
  );
  await api.logout();
  return {
    caseId,
    studyUid: detail.study.studyInstanceUid,
    seriesUid: series.seriesInstanceUid,
    seriesDescription: series.description,
    imageCount: instances.length,
    imageUrls: instances.map((i) => wadoUriUrl('/dicom-web/wado', i)),
  };
}

/** One series of a case, or every instance a reader's worklist needs: WADO-URI paths and counts. */
export interface InstanceSet {
  label: string;
  /** set when the instances are one series (the sync figures count it in the cache) */
  seriesUid?: string;
  imageUrls: string[];
}

/** The API and QIDO clients of `reader`, signed in on the backend (log out with `api.logout()`). */
export async function apiFor(backendUrl: string, reader: string) {
  const anonymous = new ApiClient({ baseUrl: backendUrl, fetch: (i, init) => fetch(i, init) });
  const { token } = await anonymous.login({ username: reader, password: DEMO_PASSWORD });
  const api = new ApiClient({ baseUrl: backendUrl, fetch: (i, init) => fetch(i, init), token });
  const qido = new QidoClient({
    root: `${backendUrl}/dicom-web`,
    fetch: (i, init) => fetch(i, init),
    token,
  });
  return { api, qido };
}

/** The CT case's largest series (the 320-slice lung series of the demo data). */
export function resolveLargestCtSeries(backendUrl: string): Promise<InstanceSet> {
  return resolveLargestSeries(backendUrl, CT_READER, CT_CASE_ID);
}

/** A case's largest series, as its reader sees it. */
export async function resolveLargestSeries(
  backendUrl: string,
  reader: string,
  caseId: string,
): Promise<InstanceSet> {
  const { api, qido } = await apiFor(backendUrl, reader);
  try {
    const detail = await api.caseDetail(caseId);
    const series = [...detail.study.series].sort(
      (a, b) => b.numberOfInstances - a.numberOfInstances,
    )[0];
    if (!series) throw new Error(`${caseId} has no series`);
    const instances = sortInstancesForDisplay(
      await qido.searchInstances(detail.study.studyInstanceUid, series.seriesInstanceUid),
    );
    return {
      label: `${series.description} (${instances.length} images)`,
      seriesUid: series.seriesInstanceUid,
      imageUrls: instances.map((i) => wadoUriUrl('/dicom-web/wado', i)),
    };
  } finally {
    await api.logout();
  }
}

/** Every instance of every study (current and priors) of the reader's open cases, once each. */
export async function resolveWorklistInstances(
  backendUrl: string,
  reader: string,
): Promise<InstanceSet & { cases: number }> {
  const { api, qido } = await apiFor(backendUrl, reader);
  try {
    const { items } = await api.worklist();
    const open = items.filter((i) => i.status !== 'cancelled' && i.status !== 'reported');
    const urls = new Map<string, string>();
    const studiesSeen = new Set<string>();
    for (const item of open) {
      const detail = await api.caseDetail(item.caseId);
      for (const study of [detail.study, ...detail.priors]) {
        if (studiesSeen.has(study.studyInstanceUid)) continue;
        studiesSeen.add(study.studyInstanceUid);
        for (const series of study.series) {
          const instances = await qido.searchInstances(
            study.studyInstanceUid,
            series.seriesInstanceUid,
          );
          for (const i of instances) urls.set(i.sopInstanceUid, wadoUriUrl('/dicom-web/wado', i));
        }
      }
    }
    return {
      label: `${open.length} cases, ${studiesSeen.size} studies, ${urls.size} images`,
      cases: open.length,
      imageUrls: [...urls.values()],
    };
  } finally {
    await api.logout();
  }
}
