import { ApiClient, type FetchLike } from '../api/client.ts';
import type { CaseDetail, WorklistItem } from '../api/contract.ts';
import { ErrorBody } from '../api/contract.ts';
import { TandemError } from '../api/errors.ts';
import {
  getNumber,
  getNumbers,
  getString,
  Tag,
  type DicomJsonDataset,
} from '../dicomweb/dicom-json.ts';
import { wadoUriUrl } from '../dicomweb/wado-uri.ts';
import type { FetchedInstance, InstanceBodyKind, RemoteInstance, SyncBackend } from './ports.ts';

/**
 * The sync engine's backend port over HTTP: the worklist and case details through the typed API
 * client, a study's instances through QIDO-RS, and each instance's Part-10 file through WADO-URI,
 * read with `response.blob()` so its bytes go from the socket to IndexedDB without passing
 * through JavaScript (or with `response.arrayBuffer()` when the store reads them anyway). Transport is injected (`fetch`), so it runs in the sync worker, in Node
 * and in tests alike. Errors follow the port's contract (`ports.ts`): `offline` when the server
 * cannot be reached, `http-<status>` (or the server's own code) with `status` for HTTP errors,
 * and the signal's reason when aborted.
 */
export interface HttpSyncBackendOptions {
  /** base URL of `/api` and `/dicom-web`: '' for the same origin */
  baseUrl: string;
  fetch: FetchLike;
  /** Bearer token; omit where a session cookie or an injected header authenticates */
  token?: string;
  workstationId?: string;
}

/** Attributes asked for beyond the QIDO-RS defaults: display order and image geometry. */
const INSTANCE_FIELDS = [
  Tag.SeriesInstanceUID,
  Tag.InstanceNumber,
  Tag.ImagePositionPatient,
  Tag.ImageOrientationPatient,
  Tag.NumberOfFrames,
  Tag.Rows,
  Tag.Columns,
];

const UNREACHABLE =
  'The server cannot be reached. Check the network connection; work cached on this workstation is still available.';

export class HttpSyncBackend implements SyncBackend {
  private readonly opts: HttpSyncBackendOptions;

  constructor(opts: HttpSyncBackendOptions) {
    this.opts = opts;
  }

  async worklist(signal: AbortSignal): Promise<WorklistItem[]> {
    const res = await this.guard(signal, () => this.api(signal).worklist());
    return res.items;
  }

  caseDetail(caseId: string, signal: AbortSignal): Promise<CaseDetail> {
    return this.guard(signal, () => this.api(signal).caseDetail(caseId));
  }

  async listInstances(studyInstanceUid: string, signal: AbortSignal): Promise<RemoteInstance[]> {
    const url =
      `${this.opts.baseUrl}/dicom-web/studies/${encodeURIComponent(studyInstanceUid)}/instances` +
      `?includefield=${INSTANCE_FIELDS.join(',')}`;
    const res = await this.get(url, 'application/dicom+json', signal);
    // QIDO-RS answers 204 No Content for an empty result.
    if (res.status === 204) return [];
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (err instanceof SyntaxError) throw unreadableList();
      throw new TandemError('offline', UNREACHABLE);
    }
    if (!Array.isArray(body)) throw unreadableList();
    const out: RemoteInstance[] = [];
    for (const item of body) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
      const ds = item as DicomJsonDataset;
      const sopInstanceUid = getString(ds, Tag.SOPInstanceUID);
      const seriesInstanceUid = getString(ds, Tag.SeriesInstanceUID);
      // an instance without its UIDs cannot be retrieved
      if (!sopInstanceUid || !seriesInstanceUid) continue;
      out.push({
        studyInstanceUid: getString(ds, Tag.StudyInstanceUID) ?? studyInstanceUid,
        seriesInstanceUid,
        sopInstanceUid,
        sopClassUid: getString(ds, Tag.SOPClassUID),
        instanceNumber: getNumber(ds, Tag.InstanceNumber),
        imagePositionPatient: getNumbers(ds, Tag.ImagePositionPatient),
        imageOrientationPatient: getNumbers(ds, Tag.ImageOrientationPatient),
      });
    }
    return out;
  }

  async fetchInstance(
    instance: RemoteInstance,
    signal: AbortSignal,
    body: InstanceBodyKind = 'blob',
  ): Promise<FetchedInstance> {
    const url = wadoUriUrl(`${this.opts.baseUrl}/dicom-web/wado`, instance);
    const res = await this.get(url, 'application/dicom', signal);
    const contentLength = declaredLength(res);
    // A body cut off mid-transfer rejects here, as the network failing does.
    if (body === 'bytes') {
      const buffer = await this.guard(signal, () => res.arrayBuffer());
      return { bytes: new Uint8Array(buffer), contentLength };
    }
    const blob = await this.guard(signal, () => res.blob());
    return { blob, contentLength };
  }

  // ---- internals ------------------------------------------------------------------------------

  /** A client whose requests carry this call's abort signal. */
  private api(signal: AbortSignal): ApiClient {
    const { baseUrl, token, workstationId } = this.opts;
    return new ApiClient({
      baseUrl,
      fetch: (input, init) => this.opts.fetch(input, { ...init, signal }),
      ...(token !== undefined ? { token } : {}),
      ...(workstationId !== undefined ? { workstationId } : {}),
    });
  }

  private async get(url: string, accept: string, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (this.opts.token) headers['authorization'] = `Bearer ${this.opts.token}`;
    if (this.opts.workstationId) headers['x-tandem-workstation'] = this.opts.workstationId;
    const res = await this.guard(signal, () =>
      // `no-store`: the bytes go to the cache of Tandem's own (sealed at rest); a second, plain
      // copy in the browser's HTTP cache would cost disk writes and leave images unencrypted.
      this.opts.fetch(url, {
        method: 'GET',
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        signal,
      }),
    );
    if (!res.ok && res.status !== 204) throw await errorOf(res);
    return res;
  }

  /**
   * Runs one step of a request: an abort rejects with the signal's reason, anything else the
   * transport throws (fetch's TypeError, a reset mid-body) means the server cannot be reached.
   */
  private async guard<T>(signal: AbortSignal, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (err instanceof TandemError) throw err;
      throw new TandemError('offline', UNREACHABLE);
    }
  }
}

function unreadableList(): TandemError {
  return new TandemError('bad-response', 'The image server sent a list Tandem cannot read.');
}

/** Content-Length when it counts the bytes `blob()` gives (not a compressed transfer). */
function declaredLength(res: Response): number | undefined {
  const encoding = res.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const text = res.headers.get('content-length');
  if (text === null || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text);
}

async function errorOf(res: Response): Promise<TandemError> {
  try {
    const parsed = ErrorBody.safeParse(await res.json());
    if (parsed.success) {
      return new TandemError(parsed.data.error.code, parsed.data.error.message, res.status);
    }
  } catch {
    // not JSON: the status says enough
  }
  return new TandemError(`http-${res.status}`, `The server answered ${res.status}.`, res.status);
}
