import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Uid } from '../../../shared/domain/case.ts';
import type { AppServices } from '../app-services.ts';
import { requireAuth, workstationOf, type AuthContext } from '../auth/authenticate.ts';
import { readDicomHeader } from '../dicom/dicom-header.ts';
import { writeFileBody } from '../http/file-body.ts';
import { DicomJsonArraySchema, DicomJsonDatasetSchema } from '../dicom/dicom-json-schema.ts';
import { TAG, attr, type DicomJsonDataset } from '../dicom/dicom-json.ts';
import {
  FAILURE,
  studyUrl,
  type BinaryResponse,
  type InstanceRef,
  type PublicLinks,
  type StowFile,
  type StowOutcome,
} from '../dicom/dicom-store.ts';
import { parseContentType, readMultipartToFiles, type ReceivedPart } from '../dicom/multipart.ts';
import { parseQidoQuery, type QidoLevel } from '../dicom/qido-query.ts';
import { checkResponse, httpError, parseRequest } from '../http/api-errors.ts';
import { blindedReportSeries } from '../reports/report-repository.ts';

const StudyParams = z.strictObject({ study: Uid });
const SeriesParams = z.strictObject({ study: Uid, series: Uid });
const InstanceParams = z.strictObject({ study: Uid, series: Uid, instance: Uid });
const BulkParams = z.strictObject({
  study: Uid,
  series: Uid,
  instance: Uid,
  '*': z.string().regex(/^[0-9A-Za-z/]{8,200}$/, 'expected an attribute tag path'),
});
const NoQuery = z.strictObject({});
/** Retrieval takes no query parameters except the accept override some clients send. */
const RetrieveQuery = z.strictObject({ accept: z.string().max(200).optional() });
const WadoUriQuery = z.strictObject({
  requestType: z.literal('WADO', { message: 'requestType must be WADO' }),
  studyUID: Uid,
  seriesUID: Uid,
  objectUID: Uid,
  contentType: z.string().max(100).optional(),
  transferSyntax: z.string().max(64).optional(),
});

/**
 * The sync's batched download (`POST /dicom-web/studies/{study}/instances/retrieve`): which
 * instances of the study, in the order wanted. Not a DICOMweb service: WADO-RS retrieves a whole
 * series or one instance, and a workstation resuming a sync wants exactly the ones it lacks.
 */
export const MAX_BATCH_INSTANCES = 64;
const RetrieveInstancesBody = z.strictObject({
  instances: z
    .array(z.strictObject({ seriesInstanceUid: Uid, sopInstanceUid: Uid }))
    .min(1)
    .max(MAX_BATCH_INSTANCES),
});
const MAX_JSON_BODY = 64 * 1024;

const DICOM_JSON = 'application/dicom+json';
const SERIES_ONLY = { filters: [], limit: null, offset: 0, includeAll: false, includeFields: [] };
const STOW_LIMITS = { maxParts: 20_000, maxBytes: 8 * 1024 * 1024 * 1024 };

/** DICOMweb (QIDO-RS, WADO-RS, WADO-URI, STOW-RS) in front of the DICOM store, with access control. */
export function dicomwebRoutes(services: AppServices) {
  const { store, access, audit } = services;

  function linksOf(request: FastifyRequest): PublicLinks {
    return { dicomwebBase: `${request.protocol}://${request.host}/dicom-web` };
  }

  function record(
    request: FastifyRequest,
    auth: AuthContext,
    action: string,
    outcome: 'allowed' | 'denied',
    studyUid: string | null,
    detail: string | null,
  ): void {
    audit.append({
      userId: auth.user.id,
      username: auth.user.username,
      action: `dicomweb.${action}`,
      studyUid,
      workstation: workstationOf(request),
      outcome,
      detail,
    });
  }

  /** Refuses (403, audited) a study outside the caller's cases and their priors. */
  async function checkStudy(
    request: FastifyRequest,
    auth: AuthContext,
    action: string,
    studyUid: string,
  ): Promise<void> {
    if (await access.canAccessStudy(auth.user, studyUid)) return;
    record(request, auth, action, 'denied', studyUid, 'forbidden');
    throw httpError(
      403,
      'forbidden',
      'You have no case that includes this study, so its images are not available to you.',
    );
  }

  /** Report SR series hidden from a blinded second reader (see `blindedReportSeries`). */
  function hiddenSeries(auth: AuthContext): ReadonlySet<string> {
    return auth.user.role === 'admin' ? new Set() : blindedReportSeries(services.db, auth.user.id);
  }

  /** Refuses (404, audited as blinded) a series hidden from the caller. */
  function checkSeries(
    request: FastifyRequest,
    auth: AuthContext,
    action: string,
    ref: InstanceRef,
    hidden: ReadonlySet<string>,
    what: string,
  ): void {
    if (!ref.seriesUid || !hidden.has(ref.seriesUid)) return;
    record(request, auth, action, 'denied', ref.studyUid, 'blinded');
    throw notFound(what);
  }

  function withoutHidden(results: DicomJsonDataset[], hidden: ReadonlySet<string>) {
    if (hidden.size === 0) return results;
    return results.filter((ds) => {
      const uid = ds[TAG.SeriesInstanceUID]?.Value?.[0];
      return typeof uid !== 'string' || !hidden.has(uid);
    });
  }

  function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
    return reply.code(200).header('cache-control', 'private, no-store').type(DICOM_JSON).send(body);
  }

  function sendBinary(reply: FastifyReply, res: BinaryResponse): FastifyReply {
    reply.code(res.status).header('cache-control', 'private, no-store');
    for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
    if (res.body instanceof Readable) return reply.send(res.body);
    // Files are written to the socket here, through reused buffers (`writeFileBody`). Fastify's
    // onSend hooks do not run for a hijacked reply, so their one header for binaries is set here;
    // onResponse (the request log line) still runs.
    reply.header('x-content-type-options', 'nosniff');
    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) {
      if (v !== undefined) headers[k] = typeof v === 'number' ? String(v) : v;
    }
    raw.writeHead(res.status, headers);
    writeFileBody(raw, res.body).catch((err: unknown) => {
      // Headers are gone: all the client can be told is that the answer was cut short.
      if (!raw.destroyed) {
        reply.log.warn({ err: String(err) }, 'an answer of files was cut short');
        raw.destroy();
      }
    });
    return reply;
  }

  function notFound(what: string): Error {
    return httpError(404, 'not-found', `No such ${what} in the archive.`);
  }

  function checkAccept(
    request: FastifyRequest,
    allowed: (mediaType: string, type: string | undefined) => boolean,
    offer: string,
  ) {
    const header = request.headers.accept;
    if (!header) return;
    const ranges = header.split(',').map((r) => parseContentType(r));
    if (
      ranges.some(
        (r) => r.mediaType === '*/*' || allowed(r.mediaType, r.params['type']?.toLowerCase()),
      )
    )
      return;
    throw httpError(406, 'not-acceptable', `This resource is available as ${offer} only.`);
  }

  const acceptsDicomMultipart = (request: FastifyRequest) =>
    checkAccept(
      request,
      (m, t) =>
        m === 'multipart/*' ||
        (m === 'multipart/related' && (t === undefined || t === 'application/dicom')),
      'multipart/related; type="application/dicom"',
    );
  const acceptsDicomJson = (request: FastifyRequest) =>
    checkAccept(
      request,
      (m) => m === DICOM_JSON || m === 'application/json' || m === 'application/*',
      DICOM_JSON,
    );

  async function search(
    request: FastifyRequest,
    reply: FastifyReply,
    level: QidoLevel,
    within: { studyUid?: string; seriesUid?: string },
  ) {
    const auth = requireAuth(request);
    const query = parseQidoQuery(request.query);
    acceptsDicomJson(request);
    let scope: ReadonlySet<string> | null = null;
    if (within.studyUid) await checkStudy(request, auth, 'search', within.studyUid);
    else scope = await access.studyScope(auth.user);
    const hidden = hiddenSeries(auth);
    checkSeries(
      request,
      auth,
      'search',
      { studyUid: within.studyUid ?? '', ...within },
      hidden,
      'series',
    );
    const found = await store.search(level, query, within, scope, linksOf(request));
    const results = level === 'studies' ? found : withoutHidden(found, hidden);
    const body = checkResponse(DicomJsonArraySchema, results);
    record(
      request,
      auth,
      'search',
      'allowed',
      within.studyUid ?? null,
      `${level}: ${results.length} results`,
    );
    return sendJson(reply, body);
  }

  async function retrieve(
    request: FastifyRequest,
    reply: FastifyReply,
    ref: InstanceRef,
    what: string,
  ) {
    const auth = requireAuth(request);
    parseRequest(RetrieveQuery, request.query, 'query string');
    acceptsDicomMultipart(request);
    await checkStudy(request, auth, 'retrieve', ref.studyUid);
    const hidden = hiddenSeries(auth);
    checkSeries(request, auth, 'retrieve', ref, hidden, what);
    if (!ref.seriesUid && hidden.size > 0) {
      const inStudy = await store.search(
        'series',
        SERIES_ONLY,
        { studyUid: ref.studyUid },
        null,
        linksOf(request),
      );
      if (inStudy.length !== withoutHidden(inStudy, hidden).length) {
        record(request, auth, 'retrieve', 'denied', ref.studyUid, 'blinded');
        throw httpError(
          403,
          'blinded',
          'Retrieve this study series by series until you sign your own report.',
        );
      }
    }
    const res = await store.retrieve(ref, request.headers.accept);
    if (!res) throw notFound(what);
    record(request, auth, 'retrieve', 'allowed', ref.studyUid, levelOf(ref));
    return sendBinary(reply, res);
  }

  async function metadata(
    request: FastifyRequest,
    reply: FastifyReply,
    ref: InstanceRef,
    what: string,
  ) {
    const auth = requireAuth(request);
    parseRequest(NoQuery, request.query, 'query string');
    acceptsDicomJson(request);
    await checkStudy(request, auth, 'metadata', ref.studyUid);
    const hidden = hiddenSeries(auth);
    checkSeries(request, auth, 'metadata', ref, hidden, what);
    const found = await store.metadata(ref, linksOf(request));
    if (!found) throw notFound(what);
    const results = withoutHidden(found, hidden);
    const body = checkResponse(DicomJsonArraySchema, results);
    record(request, auth, 'metadata', 'allowed', ref.studyUid, levelOf(ref));
    return sendJson(reply, body);
  }

  async function stow(request: FastifyRequest, reply: FastifyReply, targetStudy: string | null) {
    const auth = requireAuth(request);
    parseRequest(NoQuery, request.query, 'query string');
    if (auth.user.role === 'qa-reviewer') {
      record(request, auth, 'store', 'denied', targetStudy, 'role');
      throw httpError(403, 'forbidden', 'QA reviewers cannot store images.');
    }
    const ct = parseContentType(request.headers['content-type']);
    const type = ct.params['type']?.toLowerCase();
    if (
      ct.mediaType !== 'multipart/related' ||
      (type !== undefined && type !== 'application/dicom')
    ) {
      throw httpError(
        415,
        'unsupported-media-type',
        'Send instances as multipart/related; type="application/dicom" with one DICOM file per part.',
      );
    }
    const boundary = ct.params['boundary'];
    if (!boundary)
      throw httpError(
        400,
        'malformed-multipart',
        'The Content-Type header has no boundary parameter.',
      );

    const tmp = path.join(
      services.options.dataDir,
      'tmp',
      `stow-${randomBytes(8).toString('hex')}`,
    );
    await mkdir(tmp, { recursive: true });
    const parts: ReceivedPart[] = [];
    try {
      await readMultipartToFiles(request.body as Readable, boundary, tmp, STOW_LIMITS, parts);
      if (parts.length === 0)
        throw httpError(400, 'no-instances', 'The request carries no DICOM instances.');
      const outcomes: Array<
        StowOutcome | { ok: false; failureReason: number; sopUid: ''; sopClassUid: '' }
      > = [];
      const accepted: StowFile[] = [];
      const slots: number[] = [];
      for (const part of parts) {
        const partType = parseContentType(part.contentType || 'application/dicom');
        if (partType.mediaType !== 'application/dicom') {
          outcomes.push({
            ok: false,
            failureReason: FAILURE.cannotUnderstand,
            sopUid: '',
            sopClassUid: '',
          });
          continue;
        }
        let header;
        try {
          header = await readDicomHeader(part.path);
        } catch {
          outcomes.push({
            ok: false,
            failureReason: FAILURE.cannotUnderstand,
            sopUid: '',
            sopClassUid: '',
          });
          continue;
        }
        const fail = (failureReason: number) =>
          outcomes.push({
            ok: false,
            failureReason,
            sopUid: header.sopUid,
            sopClassUid: header.sopClassUid,
          });
        if (targetStudy && header.studyUid !== targetStudy) {
          fail(0xa900);
          continue;
        }
        if (!(await access.canAccessStudy(auth.user, header.studyUid))) {
          fail(FAILURE.notAuthorized);
          continue;
        }
        slots.push(outcomes.length);
        outcomes.push({
          ok: false,
          failureReason: FAILURE.processingFailure,
          sopUid: header.sopUid,
          sopClassUid: header.sopClassUid,
        });
        accepted.push({ path: part.path, size: part.size, header });
      }
      const links = linksOf(request);
      if (accepted.length > 0) {
        const stored = await store.store(accepted, links);
        stored.forEach((o, i) => (outcomes[slots[i]!] = o));
        services.storeChanged();
      }
      const studies = new Set(accepted.map((f) => f.header.studyUid));
      const ok = outcomes.filter((o) => o.ok).length;
      for (const s of studies.size > 0 ? studies : new Set([targetStudy])) {
        record(
          request,
          auth,
          'store',
          ok > 0 ? 'allowed' : 'denied',
          s,
          `${ok} stored, ${outcomes.length - ok} failed`,
        );
      }
      const response: DicomJsonDataset = {};
      if (studies.size === 1)
        response[TAG.RetrieveURL] = attr('UR', [studyUrl(links, { studyUid: [...studies][0]! })]);
      const referenced = outcomes.filter((o): o is Extract<StowOutcome, { ok: true }> => o.ok);
      const failed = outcomes.filter((o) => !o.ok) as Array<{
        sopUid: string;
        sopClassUid: string;
        failureReason: number;
      }>;
      if (referenced.length > 0) {
        response[TAG.ReferencedSOPSequence] = {
          vr: 'SQ',
          Value: referenced.map((o) => ({
            [TAG.ReferencedSOPClassUID]: attr('UI', [o.sopClassUid]),
            [TAG.ReferencedSOPInstanceUID]: attr('UI', [o.sopUid]),
            [TAG.RetrieveURL]: attr('UR', [o.retrieveUrl]),
          })),
        };
      }
      if (failed.length > 0) {
        response[TAG.FailedSOPSequence] = {
          vr: 'SQ',
          Value: failed.map((o) => ({
            [TAG.ReferencedSOPClassUID]: attr('UI', [o.sopClassUid]),
            [TAG.ReferencedSOPInstanceUID]: attr('UI', [o.sopUid]),
            [TAG.FailureReason]: attr('US', [o.failureReason]),
          })),
        };
      }
      const status = failed.length === 0 ? 200 : referenced.length > 0 ? 202 : 409;
      return reply
        .code(status)
        .type(DICOM_JSON)
        .send(checkResponse(DicomJsonDatasetSchema, response));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  return async function plugin(app: FastifyInstance): Promise<void> {
    // STOW-RS bodies stream to disk: hand the raw request stream to the handler, whatever its type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    app.get('/studies', (req, reply) => search(req, reply, 'studies', {}));
    app.get('/series', (req, reply) => search(req, reply, 'series', {}));
    app.get('/instances', (req, reply) => search(req, reply, 'instances', {}));

    app.get('/studies/:study', (req, reply) => {
      const p = parseRequest(StudyParams, req.params, 'study address');
      return retrieve(req, reply, { studyUid: p.study }, 'study');
    });
    app.get('/studies/:study/metadata', (req, reply) => {
      const p = parseRequest(StudyParams, req.params, 'study address');
      return metadata(req, reply, { studyUid: p.study }, 'study');
    });
    app.get('/studies/:study/series', (req, reply) => {
      const p = parseRequest(StudyParams, req.params, 'study address');
      return search(req, reply, 'series', { studyUid: p.study });
    });
    app.get('/studies/:study/instances', (req, reply) => {
      const p = parseRequest(StudyParams, req.params, 'study address');
      return search(req, reply, 'instances', { studyUid: p.study });
    });
    app.get('/studies/:study/series/:series', (req, reply) => {
      const p = parseRequest(SeriesParams, req.params, 'series address');
      return retrieve(req, reply, { studyUid: p.study, seriesUid: p.series }, 'series');
    });
    app.get('/studies/:study/series/:series/metadata', (req, reply) => {
      const p = parseRequest(SeriesParams, req.params, 'series address');
      return metadata(req, reply, { studyUid: p.study, seriesUid: p.series }, 'series');
    });
    app.get('/studies/:study/series/:series/instances', (req, reply) => {
      const p = parseRequest(SeriesParams, req.params, 'series address');
      return search(req, reply, 'instances', { studyUid: p.study, seriesUid: p.series });
    });
    app.get('/studies/:study/series/:series/instances/:instance', (req, reply) => {
      const p = parseRequest(InstanceParams, req.params, 'instance address');
      return retrieve(
        req,
        reply,
        { studyUid: p.study, seriesUid: p.series, sopUid: p.instance },
        'instance',
      );
    });
    app.get('/studies/:study/series/:series/instances/:instance/metadata', (req, reply) => {
      const p = parseRequest(InstanceParams, req.params, 'instance address');
      return metadata(
        req,
        reply,
        { studyUid: p.study, seriesUid: p.series, sopUid: p.instance },
        'instance',
      );
    });
    app.get('/studies/:study/series/:series/instances/:instance/bulk/*', async (req, reply) => {
      const p = parseRequest(BulkParams, req.params, 'bulk data address');
      const auth = requireAuth(req);
      parseRequest(NoQuery, req.query, 'query string');
      await checkStudy(req, auth, 'bulk', p.study);
      const ref = { studyUid: p.study, seriesUid: p.series, sopUid: p.instance };
      checkSeries(req, auth, 'bulk', ref, hiddenSeries(auth), 'bulk data');
      const res = await store.bulkData(ref, p['*'], req.headers.accept);
      if (!res) throw notFound('bulk data');
      record(req, auth, 'bulk', 'allowed', p.study, null);
      return sendBinary(reply, res);
    });

    app.post('/studies/:study/instances/retrieve', async (req, reply) => {
      const p = parseRequest(StudyParams, req.params, 'study address');
      const auth = requireAuth(req);
      parseRequest(NoQuery, req.query, 'query string');
      const mediaType = parseContentType(req.headers['content-type']).mediaType;
      if (mediaType !== 'application/json') {
        throw httpError(415, 'unsupported-media-type', 'Send the list of instances as JSON.');
      }
      const body = parseRequest(
        RetrieveInstancesBody,
        await readJsonBody(req.body as AsyncIterable<Buffer>),
        'list of instances',
      );
      await checkStudy(req, auth, 'retrieve-instances', p.study);
      // instances of a series hidden from a blinded reader are left out, as unknown ones are
      const hidden = hiddenSeries(auth);
      const wanted = body.instances
        .filter((i) => !hidden.has(i.seriesInstanceUid))
        .map((i) => ({ seriesUid: i.seriesInstanceUid, sopUid: i.sopInstanceUid }));
      const res = await store.retrieveInstances(p.study, wanted, linksOf(req));
      record(req, auth, 'retrieve-instances', 'allowed', p.study, `${wanted.length} instances`);
      return sendBinary(reply, res);
    });

    app.get('/wado', async (req, reply) => {
      const auth = requireAuth(req);
      const q = parseRequest(WadoUriQuery, req.query, 'WADO-URI request');
      if (q.contentType !== undefined && q.contentType !== 'application/dicom') {
        throw httpError(
          406,
          'not-acceptable',
          'Only contentType=application/dicom is served here.',
        );
      }
      await checkStudy(req, auth, 'wado-uri', q.studyUID);
      checkSeries(
        req,
        auth,
        'wado-uri',
        { studyUid: q.studyUID, seriesUid: q.seriesUID },
        hiddenSeries(auth),
        'instance',
      );
      const res = await store.wadoUri({
        studyUid: q.studyUID,
        seriesUid: q.seriesUID,
        sopUid: q.objectUID,
      });
      if (!res) throw notFound('instance');
      record(req, auth, 'wado-uri', 'allowed', q.studyUID, 'instance');
      return sendBinary(reply, res);
    });

    app.post('/studies', (req, reply) => stow(req, reply, null));
    app.post('/studies/:study', (req, reply) => {
      const p = parseRequest(StudyParams, req.params, 'study address');
      return stow(req, reply, p.study);
    });
  };
}

/** A small JSON request body read from the raw stream (the plugin parses no bodies itself). */
async function readJsonBody(body: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > MAX_JSON_BODY)
      throw httpError(413, 'body-too-large', 'The request body is too large.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw httpError(400, 'malformed-json', 'The request body is not valid JSON.');
  }
}

function levelOf(ref: InstanceRef): string {
  return ref.sopUid ? 'instance' : ref.seriesUid ? 'series' : 'study';
}
