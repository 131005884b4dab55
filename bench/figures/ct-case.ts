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

export interface CtCase {
  caseId: string;
  studyUid: string;
  seriesUid: string;
  seriesDescription: string;
  imageCount: number;
  /** same-origin WADO-URI paths of the series' images, in display order */
  imageUrls: string[];
}

export async function resolveCtCase(backendUrl: string): Promise<CtCase> {
  const anonymous = new ApiClient({ baseUrl: backendUrl, fetch: (i, init) => fetch(i, init) });
  const { token } = await anonymous.login({ username: CT_READER, password: DEMO_PASSWORD });
  const api = new ApiClient({ baseUrl: backendUrl, fetch: (i, init) => fetch(i, init), token });
  const qido = new QidoClient({
    root: `${backendUrl}/dicom-web`,
    fetch: (i, init) => fetch(i, init),
    token,
  });
  const detail = await api.caseDetail(CT_CASE_ID);
  // The viewer shows the series with the lowest series number first.
  const series = [...detail.study.series].sort(
    (a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity),
  )[0];
  if (!series) throw new Error(`${CT_CASE_ID} has no series`);
  const instances = sortInstancesForDisplay(
    await qido.searchInstances(detail.study.studyInstanceUid, series.seriesInstanceUid),
  );
  await api.logout();
  return {
    caseId: CT_CASE_ID,
    studyUid: detail.study.studyInstanceUid,
    seriesUid: series.seriesInstanceUid,
    seriesDescription: series.description,
    imageCount: instances.length,
    imageUrls: instances.map((i) => wadoUriUrl('/dicom-web/wado', i)),
  };
}
