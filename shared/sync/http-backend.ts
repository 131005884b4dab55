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
import {
  boundaryOf,
  MultipartError,
  readMultipart,
  type ByteSource,
} from '../dicomweb/multipart-reader.ts';
import { wadoUriUrl } from '../dicomweb/wado-uri.ts';
import type { FetchedInstance, InstanceBodyKind, RemoteInstance, SyncBackend } from './ports.ts';

/**
 * The sync engine's backend port over HTTP: the worklist and case details through the typed API
 * client, a study's instances through QIDO-RS, and each instance's Part-10 file through WADO-URI,
 * read with `response.blob()` so its bytes go from the socket to IndexedDB without passing
 * through JavaScript (or with `response.arrayBuffer()` when the store reads them anyway).
 * Transport is injected (`fetch`), so it runs in the sync worker, in Node and in tests alike.
 * Errors follow the port's contract (`ports.ts`): `offline` when the server cannot be reached,
 * does not answer in time (`answerTimeoutMs`) or stops sending in the middle of an answer
 * (`stallTimeoutMs`), `http-<status>` (or the server's own code) with `status` for HTTP errors,
 * and the signal's reason when aborted.
 */
export interface HttpSyncBackendOptions {
  /** base URL of `/api` and `/dicom-web`: '' for the same origin */
  baseUrl: string;
  fetch: FetchLike;
  /** Bearer token; omit where a session cookie or an injected header authenticates */
  token?: string;
  workstationId?: string;
  /**
   * An answer that, once begun, receives nothing for this long (ms, default 30 s) is given up as
   * the network failing, and the engine retries it: a connection left half-open by a changing
   * network, or a server stuck in the middle of an answer, would otherwise hold its images for
   * ever (browsers give no time limit to a response that stops arriving).
   */
  stallTimeoutMs?: number;
  /**
   * A request whose answer has not begun (no status and headers) after this long (ms, default
   * 2 min) is given up the same way. Longer than the stall limit: a server may think a while
   * before it answers (a PACS listing a large study), and one asked again too soon never would.
   */
  answerTimeoutMs?: number;
}

/** The slowest a body whose progress cannot be watched (read whole) may arrive, in bytes/s. */
const SLOWEST_WHOLE_BODY = 64_000;

/** The size assumed of such a body whose length is not said (a large mammogram's). */
const UNSAID_LENGTH = 32_000_000;

const NO_ANSWER =
  'The server did not answer in time. Tandem will ask again; work cached on this workstation is still available.';

const STALLED =
  'The server stopped sending in the middle of an answer. Tandem will ask again; work cached on this workstation is still available.';

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
  private readonly stallMs: number;
  private readonly answerMs: number;
  /** the server has no batched retrieval (an older backend): every image is fetched alone */
  private batchUnsupported = false;

  constructor(opts: HttpSyncBackendOptions) {
    this.opts = opts;
    this.stallMs = opts.stallTimeoutMs ?? 30_000;
    this.answerMs = opts.answerTimeoutMs ?? 120_000;
  }

  async worklist(signal: AbortSignal): Promise<WorklistItem[]> {
    const res = await this.watched(signal, (watched) =>
      this.guard(watched, () => this.api(watched).worklist()),
    );
    return res.items;
  }

  caseDetail(caseId: string, signal: AbortSignal): Promise<CaseDetail> {
    return this.watched(signal, (watched) =>
      this.guard(watched, () => this.api(watched).caseDetail(caseId)),
    );
  }

  async listInstances(studyInstanceUid: string, signal: AbortSignal): Promise<RemoteInstance[]> {
    const url =
      `${this.opts.baseUrl}/dicom-web/studies/${encodeURIComponent(studyInstanceUid)}/instances` +
      `?includefield=${INSTANCE_FIELDS.join(',')}`;
    const body = await this.watched(signal, async (watched, alive) => {
      const res = await this.get(url, 'application/dicom+json', watched);
      // QIDO-RS answers 204 No Content for an empty result.
      if (res.status === 204) return [];
      alive(wholeBodyAllowance(this.stallMs, declaredLength(res)));
      try {
        return (await res.json()) as unknown;
      } catch (err) {
        if (watched.aborted) throw watched.reason;
        if (err instanceof SyntaxError) throw unreadableList();
        throw new TandemError('offline', UNREACHABLE);
      }
    });
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
    return this.watched(signal, async (watched, alive) => {
      const res = await this.get(url, 'application/dicom', watched);
      const contentLength = declaredLength(res);
      // read whole, so no progress to watch: it may take the time its size needs at a slow pace
      alive(wholeBodyAllowance(this.stallMs, contentLength));
      // A body cut off mid-transfer rejects here, as the network failing does.
      if (body === 'bytes') {
        const buffer = await this.guard(watched, () => res.arrayBuffer());
        return { bytes: new Uint8Array(buffer), contentLength };
      }
      const blob = await this.guard(watched, () => res.blob());
      return { blob, contentLength };
    });
  }

  /**
   * Tandem's batched retrieval, `POST /dicom-web/studies/{study}/instances/retrieve` with the
   * instances as JSON: a multipart/related answer whose parts carry each file's Content-Length
   * and its WADO-RS address as Content-Location, read part by part as it streams in.
   */
  async fetchInstances(
    studyInstanceUid: string,
    instances: readonly RemoteInstance[],
    signal: AbortSignal,
    onInstance: (sopInstanceUid: string, fetched: FetchedInstance) => void,
  ): Promise<void> {
    if (this.batchUnsupported || instances.length === 0) return;
    await this.watched(signal, (watched, alive) =>
      this.readBatch(studyInstanceUid, instances, watched, alive, onInstance),
    );
  }

  /** `fetchInstances` under its watchdog: `alive` is called as each piece of the answer arrives. */
  private async readBatch(
    studyInstanceUid: string,
    instances: readonly RemoteInstance[],
    signal: AbortSignal,
    alive: () => void,
    onInstance: (sopInstanceUid: string, fetched: FetchedInstance) => void,
  ): Promise<void> {
    const url = `${this.opts.baseUrl}/dicom-web/studies/${encodeURIComponent(studyInstanceUid)}/instances/retrieve`;
    const headers = this.headers('multipart/related; type="application/dicom"');
    headers['content-type'] = 'application/json';
    const body = JSON.stringify({
      instances: instances.map((i) => ({
        seriesInstanceUid: i.seriesInstanceUid,
        sopInstanceUid: i.sopInstanceUid,
      })),
    });
    const res = await this.guard(signal, () =>
      this.opts.fetch(url, {
        method: 'POST',
        headers,
        body,
        credentials: 'same-origin',
        cache: 'no-store',
        signal,
      }),
    );
    alive();
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      // a server without it (Tandem's backend always answers 200 here, or 401/403)
      this.batchUnsupported = true;
      await res.body?.cancel().catch(() => {});
      return;
    }
    if (!res.ok) throw await errorOf(res);
    const boundary = boundaryOf(res.headers.get('content-type'));
    if (!boundary || !res.body) {
      throw new TandemError('bad-response', 'The image server sent images Tandem cannot read.');
    }
    const wanted = new Set(instances.map((i) => i.sopInstanceUid));
    // Read into buffers of the reader's making where the stream can (a byte stream, as fetch's
    // bodies are in Chromium): each image lands in a buffer of its own, not in chunks copied out.
    const byob = byobReaderOf(res.body);
    const chunks = byob ? undefined : res.body.getReader();
    /** the next bytes: into `into` (or 1 KB of its own) from a byte stream, else the next chunk */
    const next = (into?: Uint8Array<ArrayBuffer>) =>
      byob ? byob.read(into ?? new Uint8Array(1024)) : chunks!.read();
    let ended = false;
    const source: ByteSource | AsyncIterable<Uint8Array<ArrayBuffer>> = byob
      ? {
          async readInto(into) {
            const got = await next(into);
            alive();
            ended = got.done;
            return got.done ? null : got.value;
          },
        }
      : {
          async *[Symbol.asyncIterator]() {
            for (;;) {
              const got = await next();
              alive();
              if (got.done) {
                ended = true;
                return;
              }
              yield got.value;
            }
          },
        };
    try {
      for await (const part of readMultipart(source, boundary)) {
        const uid = sopInstanceUidOf(part.headers.get('content-location'));
        if (uid === undefined || !wanted.delete(uid)) continue;
        onInstance(uid, { bytes: part.body, contentLength: part.body.byteLength });
      }
      // the epilogue after the closing delimiter: read to the end, so the connection is reused
      while (!ended) ended = (await next()).done;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      // A well-formed start that ends early is a connection cut off, as a reset mid-body is.
      if (err instanceof MultipartError && !/ended/.test(err.message)) {
        throw new TandemError('bad-response', 'The image server sent images Tandem cannot read.');
      }
      throw new TandemError('offline', UNREACHABLE);
    } finally {
      if (!ended) (byob ?? chunks!).cancel().catch(() => {});
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Runs a request under a watchdog. `step` gets a signal that aborts with the caller's, or with
   * an `offline` error when its answer has not begun within `answerTimeoutMs`, or, once it has,
   * when `stallTimeoutMs` pass with nothing received. `step` calls `alive()` when the answer
   * begins and as its bytes arrive, or `alive(ms)` before a read whose progress it cannot see,
   * with the time that read may take.
   */
  private async watched<T>(
    signal: AbortSignal,
    step: (signal: AbortSignal, alive: (ms?: number) => void) => Promise<T>,
  ): Promise<T> {
    signal.throwIfAborted();
    const inner = new AbortController();
    const follow = () => inner.abort(signal.reason);
    signal.addEventListener('abort', follow, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number, message: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => inner.abort(new TandemError('offline', message)), ms);
    };
    const alive = (ms = this.stallMs) => arm(ms, STALLED);
    arm(this.answerMs, NO_ANSWER);
    try {
      return await step(inner.signal, alive);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (inner.signal.aborted) throw inner.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', follow);
    }
  }

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

  /** A request's headers: what it accepts, and who asks (token, workstation) when configured. */
  private headers(accept: string): Record<string, string> {
    const headers: Record<string, string> = { accept };
    if (this.opts.token) headers['authorization'] = `Bearer ${this.opts.token}`;
    if (this.opts.workstationId) headers['x-tandem-workstation'] = this.opts.workstationId;
    return headers;
  }

  private async get(url: string, accept: string, signal: AbortSignal): Promise<Response> {
    const headers = this.headers(accept);
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

/** The SOP Instance UID at the end of a WADO-RS instance address. */
function sopInstanceUidOf(location: string | undefined): string | undefined {
  const m = location ? /\/instances\/([0-9.]{1,64})(?:[/?#]|$)/.exec(location) : null;
  return m?.[1];
}

function unreadableList(): TandemError {
  return new TandemError('bad-response', 'The image server sent a list Tandem cannot read.');
}

/**
 * How long a body read whole may take: the stall limit, and its size at the slowest pace (a large
 * file's when the size is not said, so a slow link is never cut off for ever).
 */
function wholeBodyAllowance(stallMs: number, length: number | undefined): number {
  return stallMs + Math.ceil(((length ?? UNSAID_LENGTH) / SLOWEST_WHOLE_BODY) * 1000);
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

/** A BYOB reader of `body` when it is a byte stream; undefined when it is not (its reader is then the default one). */
function byobReaderOf(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}
