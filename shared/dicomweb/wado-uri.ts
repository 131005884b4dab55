/** The UIDs that locate one instance. */
export interface InstanceLocator {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

/**
 * URL of a WADO-URI request (PS3.18 URI service) for the bare Part-10 file of one instance.
 * `wadoPath` is the service's full path, e.g. '/dicom-web/wado'.
 */
export function wadoUriUrl(wadoPath: string, instance: InstanceLocator): string {
  const query = new URLSearchParams({
    requestType: 'WADO',
    studyUID: instance.studyInstanceUid,
    seriesUID: instance.seriesInstanceUid,
    objectUID: instance.sopInstanceUid,
    contentType: 'application/dicom',
  });
  return `${wadoPath}?${query.toString()}`;
}
