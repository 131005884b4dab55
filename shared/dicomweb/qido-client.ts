import type { FetchLike } from '../api/client.ts';
import { ErrorBody } from '../api/contract.ts';
import { TandemError } from '../api/errors.ts';
import { getNumber, getNumbers, getString, Tag, type DicomJsonDataset } from './dicom-json.ts';
import type { OrderableInstance } from './instance-order.ts';

export interface DicomWebClientOptions {
  /** Base URL of the DICOMweb service root, e.g. '/dicom-web' (same origin) or 'https://pacs/dicom-web'. */
  root: string;
  fetch: FetchLike;
  /** Bearer token; omit where a cookie or injected header authenticates. */
  token?: string;
}

/** One instance of a series as QIDO-RS describes it. */
export interface InstanceSummary extends OrderableInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid?: string | undefined;
  numberOfFrames?: number | undefined;
  rows?: number | undefined;
  columns?: number | undefined;
}

/** Attributes asked for beyond the QIDO-RS defaults, so a series can be ordered for display. */
const INSTANCE_FIELDS = [
  Tag.InstanceNumber,
  Tag.ImagePositionPatient,
  Tag.ImageOrientationPatient,
  Tag.NumberOfFrames,
  Tag.Rows,
  Tag.Columns,
];

/** A small QIDO-RS client over an injected fetch: runs in the page, a worker or Node. */
export class QidoClient {
  private readonly opts: DicomWebClientOptions;

  constructor(opts: DicomWebClientOptions) {
    this.opts = opts;
  }

  /** The instances of one series, in the server's order (sort them with `sortInstancesForDisplay`). */
  async searchInstances(studyUid: string, seriesUid: string): Promise<InstanceSummary[]> {
    const path =
      `/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}/instances` +
      `?includefield=${INSTANCE_FIELDS.join(',')}`;
    const datasets = await this.getJson(path);
    const out: InstanceSummary[] = [];
    for (const ds of datasets) {
      const sopInstanceUid = getString(ds, Tag.SOPInstanceUID);
      if (!sopInstanceUid) continue; // an instance without a UID cannot be retrieved
      out.push({
        studyInstanceUid: getString(ds, Tag.StudyInstanceUID) ?? studyUid,
        seriesInstanceUid: getString(ds, Tag.SeriesInstanceUID) ?? seriesUid,
        sopInstanceUid,
        sopClassUid: getString(ds, Tag.SOPClassUID),
        instanceNumber: getNumber(ds, Tag.InstanceNumber),
        imagePositionPatient: getNumbers(ds, Tag.ImagePositionPatient),
        imageOrientationPatient: getNumbers(ds, Tag.ImageOrientationPatient),
        numberOfFrames: getNumber(ds, Tag.NumberOfFrames),
        rows: getNumber(ds, Tag.Rows),
        columns: getNumber(ds, Tag.Columns),
      });
    }
    return out;
  }

  private async getJson(path: string): Promise<DicomJsonDataset[]> {
    const headers: Record<string, string> = { accept: 'application/dicom+json' };
    if (this.opts.token) headers['authorization'] = `Bearer ${this.opts.token}`;
    let res: Response;
    try {
      res = await this.opts.fetch(this.opts.root + path, {
        method: 'GET',
        headers,
        credentials: 'same-origin',
      });
    } catch {
      throw new TandemError(
        'offline',
        'The image server cannot be reached. Check the network connection.',
      );
    }
    // QIDO-RS answers 204 No Content for an empty result.
    if (res.status === 204) return [];
    if (!res.ok) throw await errorFromResponse(res);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new TandemError('bad-response', 'The image server sent a response Tandem cannot read.');
    }
    if (!Array.isArray(body)) {
      throw new TandemError('bad-response', 'The image server sent a response Tandem cannot read.');
    }
    return body.filter(
      (d): d is DicomJsonDataset => typeof d === 'object' && d !== null && !Array.isArray(d),
    );
  }
}

async function errorFromResponse(res: Response): Promise<TandemError> {
  try {
    const parsed = ErrorBody.safeParse(await res.json());
    if (parsed.success) {
      return new TandemError(parsed.data.error.code, parsed.data.error.message, res.status);
    }
  } catch {
    // not JSON: fall through to the generic message
  }
  const message =
    res.status === 404
      ? 'The images of this series were not found on the server.'
      : res.status === 403
        ? 'You are not allowed to see the images of this series.'
        : `The image server answered ${res.status}.`;
  return new TandemError(`http-${res.status}`, message, res.status);
}
