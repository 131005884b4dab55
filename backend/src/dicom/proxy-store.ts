import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { httpError } from '../http/api-errors.ts';
import {
  TAG,
  getNumber,
  getString,
  type DicomJsonAttribute,
  type DicomJsonDataset,
} from './dicom-json.ts';
import {
  FAILURE,
  studyUrl,
  type BinaryResponse,
  type DicomStore,
  type FullInstanceRef,
  type InstanceRef,
  type PublicLinks,
  type StowFile,
  type StowOutcome,
} from './dicom-store.ts';
import {
  multipartContentType,
  multipartFromFiles,
  multipartFromParts,
  multipartLength,
  newBoundary,
} from './multipart.ts';
import { qidoQueryString, type QidoLevel, type QidoQuery } from './qido-query.ts';
import { drain, readJson, upstream } from './upstream-http.ts';

const DICOM_MULTIPART = 'multipart/related; type="application/dicom"';
/** Ask for instances as stored: transcoding in the PACS is slow and fails for some syntaxes. */
const DEFAULT_ACCEPT = `${DICOM_MULTIPART}; transfer-syntax=*`;
const STOW_BATCH_BYTES = 64 * 1024 * 1024;
const STOW_BATCH_FILES = 50;

/**
 * Delegates DICOMweb to an upstream PACS (Orthanc in our tests). Bodies stream through; JSON
 * answers are checked and their links rewritten to point at this server, which keeps
 * authentication and access control in front of the PACS.
 */
export class ProxyDicomStore implements DicomStore {
  readonly mode = 'proxy' as const;
  private readonly base: string;
  private readonly upstreamRoot: URL;
  private readonly log: FastifyBaseLogger;

  constructor(baseUrl: string, log: FastifyBaseLogger) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.upstreamRoot = new URL(this.base);
    this.log = log;
  }

  /** Checks the PACS answers at all; throws a 502-style error otherwise. */
  async ping(): Promise<void> {
    const res = await upstream({
      method: 'GET',
      url: `${this.base}/studies?limit=1`,
      headers: { accept: 'application/dicom+json' },
    });
    drain(res);
    if (res.statusCode === undefined || res.statusCode >= 500) {
      throw httpError(
        502,
        'pacs-unavailable',
        'The image archive (PACS) is not answering DICOMweb searches.',
      );
    }
  }

  async search(
    level: QidoLevel,
    query: QidoQuery,
    within: { studyUid?: string; seriesUid?: string },
    scope: ReadonlySet<string> | null,
    links: PublicLinks,
  ): Promise<DicomJsonDataset[]> {
    let path = `/${level}`;
    if (within.studyUid) {
      path = `/studies/${within.studyUid}`;
      if (within.seriesUid) path += `/series/${within.seriesUid}`;
      path += level === 'studies' ? '' : `/${level}`;
    }
    // With a scope the PACS cannot filter for us: fetch everything that matches, filter, then page.
    const qs = qidoQueryString(query, {
      paging: scope === null,
      extraFields: scope ? [TAG.StudyInstanceUID] : [],
    });
    const res = await upstream({
      method: 'GET',
      url: `${this.base}${path}${qs ? `?${qs}` : ''}`,
      headers: { accept: 'application/dicom+json' },
    });
    if (res.statusCode === 204 || res.statusCode === 404) {
      drain(res);
      return [];
    }
    this.expectOk(res, 'search');
    const json = await readJson(res);
    if (json === null) return [];
    let results = asDatasets(json);
    for (const ds of results) this.rewriteLinks(ds, links);
    if (scope) {
      results = results.filter((ds) => {
        const study = getString(ds, TAG.StudyInstanceUID) || within.studyUid || '';
        return scope.has(study);
      });
      const end = query.limit === null ? undefined : query.offset + query.limit;
      results = results.slice(query.offset, end);
    }
    return results;
  }

  async retrieve(ref: InstanceRef, accept: string | undefined): Promise<BinaryResponse | null> {
    const res = await upstream({
      method: 'GET',
      url: studyUrl({ dicomwebBase: this.base }, ref),
      headers: { accept: accept && /transfer-syntax/i.test(accept) ? accept : DEFAULT_ACCEPT },
    });
    return this.passThrough(res, 'retrieve');
  }

  async metadata(ref: InstanceRef, links: PublicLinks): Promise<DicomJsonDataset[] | null> {
    const res = await upstream({
      method: 'GET',
      url: `${studyUrl({ dicomwebBase: this.base }, ref)}/metadata`,
      headers: { accept: 'application/dicom+json' },
    });
    if (res.statusCode === 404 || res.statusCode === 204) {
      drain(res);
      return null;
    }
    this.expectOk(res, 'metadata');
    const results = asDatasets(await readJson(res));
    if (results.length === 0) return null;
    for (const ds of results) this.rewriteLinks(ds, links);
    return results;
  }

  async wadoUri(ref: FullInstanceRef): Promise<BinaryResponse | null> {
    // Built by hand: Orthanc compares contentType literally and does not decode %2F. UIDs are
    // digits and dots, so nothing here needs escaping.
    const query = `requestType=WADO&studyUID=${ref.studyUid}&seriesUID=${ref.seriesUid}&objectUID=${ref.sopUid}&contentType=application/dicom`;
    // WADO-URI lives at the PACS's root, beside the DICOMweb root (Orthanc: http://host:port/wado).
    const url = `${this.upstreamRoot.origin}/wado?${query}`;
    const res = await upstream({ method: 'GET', url, headers: { accept: 'application/dicom' } });
    return this.passThrough(res, 'wado-uri');
  }

  async retrieveInstances(
    studyUid: string,
    instances: readonly { seriesUid: string; sopUid: string }[],
    links: PublicLinks,
  ): Promise<BinaryResponse> {
    // One WADO-URI request upstream per instance, one after another, streamed as they come: the
    // PACS has no retrieval of a list of instances, but the workstation still makes one request.
    const fetchOne = (ref: FullInstanceRef) => this.wadoUri(ref);
    async function* parts() {
      for (const inst of instances) {
        const ref = { studyUid, seriesUid: inst.seriesUid, sopUid: inst.sopUid };
        const res = await fetchOne(ref);
        if (!res) continue;
        const length = Number(res.headers['content-length']);
        let body: AsyncIterable<Buffer> = res.body as AsyncIterable<Buffer>;
        let size = length;
        if (!Number.isSafeInteger(length)) {
          // no length given: read it whole first, so the part can say its length
          const chunks: Buffer[] = [];
          for await (const chunk of res.body as AsyncIterable<Buffer>) chunks.push(chunk);
          const whole = Buffer.concat(chunks);
          size = whole.length;
          body = Readable.from([whole], { objectMode: false });
        }
        yield {
          contentType: res.headers['content-type'] ?? 'application/dicom',
          size,
          location: studyUrl(links, ref),
          body,
        };
      }
    }
    const boundary = newBoundary();
    return {
      status: 200,
      headers: { 'content-type': multipartContentType(boundary, 'application/dicom') },
      body: multipartFromParts(parts(), boundary),
    };
  }

  async bulkData(
    ref: FullInstanceRef,
    tagPath: string,
    accept: string | undefined,
  ): Promise<BinaryResponse | null> {
    const res = await upstream({
      method: 'GET',
      url: `${studyUrl({ dicomwebBase: this.base }, ref)}/bulk/${tagPath}`,
      headers: {
        accept: accept ?? 'multipart/related; type="application/octet-stream"; transfer-syntax=*',
      },
    });
    return this.passThrough(res, 'bulk');
  }

  async store(files: StowFile[], links: PublicLinks): Promise<StowOutcome[]> {
    const outcomes: StowOutcome[] = [];
    let batch: StowFile[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length > 0) outcomes.push(...(await this.storeBatch(batch, links)));
      batch = [];
      bytes = 0;
    };
    for (const f of files) {
      if (
        batch.length > 0 &&
        (batch.length >= STOW_BATCH_FILES || bytes + f.size > STOW_BATCH_BYTES)
      )
        await flush();
      batch.push(f);
      bytes += f.size;
    }
    await flush();
    return outcomes;
  }

  private async storeBatch(files: StowFile[], links: PublicLinks): Promise<StowOutcome[]> {
    const boundary = newBoundary();
    const parts = files.map((f) => ({
      contentType: 'application/dicom',
      path: f.path,
      size: f.size,
    }));
    const res = await upstream({
      method: 'POST',
      url: `${this.base}/studies`,
      headers: {
        'content-type': multipartContentType(boundary, 'application/dicom'),
        'content-length': String(multipartLength(parts, boundary)),
        accept: 'application/dicom+json',
      },
      body: multipartFromFiles(parts, boundary),
      timeoutMs: 600_000,
    });
    const status = res.statusCode ?? 0;
    const json =
      status >= 200 && status < 500 ? await readJson(res).catch(() => null) : (drain(res), null);
    if (status >= 500 || status === 0) {
      this.log.warn({ status }, 'upstream STOW-RS failed');
    }
    const response =
      json && !Array.isArray(json) && typeof json === 'object' ? (json as DicomJsonDataset) : {};
    const stored = new Set(sopUidsIn(response[TAG.ReferencedSOPSequence]));
    const failed = new Map<string, number>();
    for (const item of sequenceItems(response[TAG.FailedSOPSequence])) {
      failed.set(
        getString(item, TAG.ReferencedSOPInstanceUID),
        getNumber(item, TAG.FailureReason) ?? FAILURE.processingFailure,
      );
    }
    return files.map((f): StowOutcome => {
      const h = f.header;
      if (stored.has(h.sopUid)) {
        return {
          ok: true,
          sopClassUid: h.sopClassUid,
          sopUid: h.sopUid,
          retrieveUrl: studyUrl(links, {
            studyUid: h.studyUid,
            seriesUid: h.seriesUid,
            sopUid: h.sopUid,
          }),
        };
      }
      return {
        ok: false,
        sopClassUid: h.sopClassUid,
        sopUid: h.sopUid,
        failureReason: failed.get(h.sopUid) ?? FAILURE.processingFailure,
      };
    });
  }

  async close(): Promise<void> {}

  private expectOk(res: IncomingMessage, what: string): void {
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return;
    drain(res);
    this.log.warn({ status, what }, 'upstream DICOMweb request failed');
    if (status === 400) {
      throw httpError(
        400,
        'pacs-refused',
        'The image archive (PACS) refused this request as malformed.',
      );
    }
    throw httpError(
      502,
      'pacs-error',
      `The image archive (PACS) could not answer (HTTP ${status}).`,
    );
  }

  private passThrough(res: IncomingMessage, what: string): BinaryResponse | null {
    if (res.statusCode === 404 || res.statusCode === 204) {
      drain(res);
      return null;
    }
    if (res.statusCode === 406 || res.statusCode === 415) {
      drain(res);
      throw httpError(
        406,
        'not-acceptable',
        'The image archive (PACS) cannot provide the requested format.',
      );
    }
    this.expectOk(res, what);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'content-length']) {
      const v = res.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    return { status: 200, headers, body: res };
  }

  /** RetrieveURL and BulkDataURI values that point at the PACS are made to point at us. */
  private rewriteLinks(ds: DicomJsonDataset, links: PublicLinks): void {
    for (const [tag, value] of Object.entries(ds)) {
      if (value.BulkDataURI) value.BulkDataURI = this.rewriteUrl(value.BulkDataURI, links);
      if (!Array.isArray(value.Value)) continue;
      if (value.vr === 'SQ') {
        for (const item of value.Value)
          if (item && typeof item === 'object') this.rewriteLinks(item as DicomJsonDataset, links);
      } else if (tag === TAG.RetrieveURL || value.vr === 'UR') {
        value.Value = value.Value.map((v) =>
          typeof v === 'string' ? this.rewriteUrl(v, links) : v,
        );
      }
    }
  }

  private rewriteUrl(value: string, links: PublicLinks): string {
    let url: URL;
    try {
      url = new URL(value, this.base + '/');
    } catch {
      return value;
    }
    const root = this.upstreamRoot.pathname.replace(/\/+$/, '');
    if (!url.pathname.startsWith(`${root}/`)) return value;
    return links.dicomwebBase + url.pathname.slice(root.length) + url.search;
  }
}

function asDatasets(json: unknown): DicomJsonDataset[] {
  if (!Array.isArray(json) || !json.every((d) => d && typeof d === 'object' && !Array.isArray(d))) {
    throw httpError(
      502,
      'pacs-bad-response',
      'The image archive (PACS) sent a response Tandem does not understand.',
    );
  }
  return json as DicomJsonDataset[];
}

function sequenceItems(attribute: DicomJsonAttribute | undefined): DicomJsonDataset[] {
  const v = attribute?.Value;
  return Array.isArray(v)
    ? v.filter((i): i is DicomJsonDataset => !!i && typeof i === 'object')
    : [];
}

function sopUidsIn(attribute: DicomJsonAttribute | undefined): string[] {
  return sequenceItems(attribute).map((item) => getString(item, TAG.ReferencedSOPInstanceUID));
}
