import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  EnrollWorkstationKeyRequest,
  EnrollWorkstationKeyResponse,
  IDEMPOTENCY_HEADER,
  IdempotencyKey,
  ReportIdParams,
  ReportResponse,
  SubmitReportResponse,
} from '../../../shared/api/contract.ts';
import {
  renderReportText,
  SignedReport,
  validateForSigning,
} from '../../../shared/report/document.ts';
import { canonicalJson, sha256Hex, verifySignedReport } from '../../../shared/report/signing.ts';
import type { ReportTemplate } from '../../../shared/report/template.ts';
import type { AppServices } from '../app-services.ts';
import { accessRecorder } from '../audit/record-access.ts';
import { requireAuth, workstationOf, type AuthContext } from '../auth/authenticate.ts';
import { getCase } from '../cases/case-repository.ts';
import { checkResponse, describeIssues, httpError, parseRequest } from '../http/api-errors.ts';
import {
  enrollKey,
  findKey,
  findSubmission,
  getStoredReport,
  idempotencyKeyOfReport,
  insertReport,
  reportExists,
  reportIdWithSignature,
  signedHashesOfCase,
} from '../reports/report-repository.ts';
import { deliverStructuredReport, retryAwaitingSrs } from '../reports/sr-delivery.ts';
import { loadTemplateDir } from '../reports/template-store.ts';

const NoQuery = z.strictObject({});

/**
 * Workstation key enrollment and signed report submission. A submission is accepted once: the
 * same idempotency key with the same body gets the first answer again; anything that does not
 * verify against the author's enrolled key is refused; a second submission of the same signed
 * report under another idempotency key is a replay.
 */
export function reportRoutes(
  services: AppServices,
  templates: Map<string, ReportTemplate> = loadTemplateDir(),
) {
  const { db, audit } = services;
  let logRetryFailure: (err: unknown) => void = () => {};

  const record = accessRecorder(audit);

  function deny(
    request: FastifyRequest,
    auth: AuthContext,
    where: { caseId?: string | null; studyUid?: string | null },
    status: number,
    code: string,
    message: string,
  ): never {
    record(request, auth, 'report.submit', 'denied', { ...where, detail: code });
    throw httpError(status, code, message);
  }

  return async function plugin(app: FastifyInstance): Promise<void> {
    logRetryFailure = (err: unknown) =>
      app.log.warn({ reason: err instanceof Error ? err.name : 'unknown' }, 'SR retry failed');
    // SRs left behind by a PACS outage or a stop mid-delivery go out once the server is up.
    app.addHook('onReady', async () => {
      void retryAwaitingSrs(services, templates, 0).catch(logRetryFailure);
    });

    app.post('/workstation-keys', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const body = parseRequest(EnrollWorkstationKeyRequest, request.body, 'workstation key');
      const keyId = enrollKey(db, auth.user.id, body.label, body.publicKeyJwk);
      record(request, auth, 'workstation-key.enroll', 'allowed', { detail: keyId });
      return checkResponse(EnrollWorkstationKeyResponse, { keyId });
    });

    app.post('/reports', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const rawKey = request.headers[IDEMPOTENCY_HEADER];
      const keyParse = IdempotencyKey.safeParse(Array.isArray(rawKey) ? rawKey[0] : rawKey);
      if (!keyParse.success) {
        deny(
          request,
          auth,
          {},
          400,
          'idempotency-key-missing',
          'A report must be sent with an Idempotency-Key header (8 to 128 letters, digits or - _ . :).',
        );
      }
      const idempotencyKey = keyParse.data;
      if (auth.user.role !== 'radiologist') {
        deny(request, auth, {}, 403, 'forbidden', 'Only radiologists sign and send reports.');
      }
      const body: unknown = request.body ?? null;
      const bodyHash = await sha256Hex(canonicalJson(body));

      const previous = findSubmission(db, auth.user.id, idempotencyKey);
      if (previous) {
        if (previous.bodyHash !== bodyHash) {
          deny(
            request,
            auth,
            {},
            422,
            'idempotency-key-reused',
            'This idempotency key was already used for a different report; the report was not accepted.',
          );
        }
        record(request, auth, 'report.submit', 'allowed', {
          caseId: previous.response.caseId,
          detail: 'repeat',
        });
        return checkResponse(SubmitReportResponse, previous.response);
      }

      const parsed = SignedReport.safeParse(body);
      if (!parsed.success) {
        deny(
          request,
          auth,
          {},
          422,
          'report-malformed',
          `The signed report is malformed: ${describeIssues(parsed.error)}.`,
        );
      }
      const signed = parsed.data;
      const d = signed.document;
      if (d.author.userId !== auth.user.id) {
        deny(
          request,
          auth,
          { caseId: d.caseId },
          403,
          'not-author',
          'A report can only be sent by the radiologist who signed it.',
        );
      }
      if (d.content.caseId !== d.caseId) {
        deny(
          request,
          auth,
          { caseId: d.caseId },
          422,
          'report-malformed',
          'The report content belongs to another case than the report.',
        );
      }
      const c = getCase(db, d.caseId);
      if (!c) {
        deny(
          request,
          auth,
          { caseId: d.caseId },
          404,
          'case-not-found',
          'This case does not exist or has been withdrawn.',
        );
      }
      const where = { caseId: c.caseId, studyUid: c.studyUid };
      if (c.assigneeId !== auth.user.id) {
        deny(
          request,
          auth,
          where,
          403,
          'not-assigned',
          'This case is assigned to another reader; you cannot report it.',
        );
      }
      if (c.status === 'cancelled') {
        deny(
          request,
          auth,
          where,
          409,
          'case-cancelled',
          'This case was withdrawn; the report was not accepted.',
        );
      }
      const key = findKey(db, d.keyId);
      if (!key || key.userId !== auth.user.id) {
        deny(
          request,
          auth,
          where,
          422,
          'unknown-workstation-key',
          'The report is signed with a workstation key that is not enrolled for you. Sign in again on this workstation.',
        );
      }
      const verified = await verifySignedReport(body, key.publicKeyJwk);
      if (!verified.ok) {
        deny(
          request,
          auth,
          where,
          422,
          'report-tampered',
          `${verified.message} The report was not accepted.`,
        );
      }
      if (
        reportIdWithSignature(db, signed.signature, signed.hash) !== null ||
        reportExists(db, d.reportId)
      ) {
        deny(
          request,
          auth,
          where,
          409,
          'report-replayed',
          'This signed report was already received; a second submission is refused.',
        );
      }
      const onCase = signedHashesOfCase(db, c.caseId, auth.user.id);
      if (d.amends !== undefined && !onCase.includes(d.amends)) {
        deny(
          request,
          auth,
          where,
          422,
          'amends-unknown',
          'The addendum does not amend one of your signed reports on this case.',
        );
      }
      if (d.amends === undefined && onCase.length > 0) {
        deny(
          request,
          auth,
          where,
          409,
          'case-already-reported',
          'You already signed a report for this case; correct it with an addendum.',
        );
      }
      const template = templates.get(d.content.templateId);
      if (!template || template.version !== d.content.templateVersion) {
        deny(
          request,
          auth,
          where,
          422,
          'unknown-template',
          `The server does not have the report template ${d.content.templateId} ${d.content.templateVersion}.`,
        );
      }
      const problems = validateForSigning(d.content, template);
      if (problems.length > 0) {
        deny(
          request,
          auth,
          where,
          422,
          'report-incomplete',
          `The report is incomplete: ${problems.map((p) => p.message).join(' ')}`,
        );
      }

      const text = renderReportText(d.content, template);
      let response: SubmitReportResponse;
      try {
        response = insertReport(db, {
          signed,
          studyUid: c.studyUid,
          authorUsername: auth.user.username,
          text,
          idempotencyKey,
          bodyHash,
          receivedAt: new Date().toISOString(),
        });
      } catch (err) {
        // A concurrent request with the same key or report won the race: answer as it did.
        const winner = findSubmission(db, auth.user.id, idempotencyKey);
        if (winner && winner.bodyHash === bodyHash)
          return checkResponse(SubmitReportResponse, winner.response);
        if (reportExists(db, d.reportId)) {
          deny(
            request,
            auth,
            where,
            409,
            'report-replayed',
            'This signed report was already received; a second submission is refused.',
          );
        }
        throw err;
      }
      record(request, auth, 'report.submit', 'allowed', {
        ...where,
        detail: d.amends ? 'addendum' : 'report',
      });
      const sr = await deliverStructuredReport(services, {
        signed,
        template,
        studyUid: c.studyUid,
        patientSex: c.context.patientSex,
        referringPhysician: c.context.referringPhysician,
      });
      audit.append({
        userId: auth.user.id,
        username: auth.user.username,
        action: 'report.sr-store',
        caseId: c.caseId,
        studyUid: c.studyUid,
        workstation: workstationOf(request),
        outcome: sr.status === 'stored' ? 'allowed' : 'denied',
        detail: sr.status === 'stored' ? 'stored' : sr.reason,
      });
      if (sr.status === 'stored') void retryAwaitingSrs(services, templates).catch(logRetryFailure);
      return checkResponse(SubmitReportResponse, response);
    });

    app.get('/reports/:id', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const { id } = parseRequest(ReportIdParams, request.params, 'report address');
      const report = getStoredReport(db, id);
      if (!report) {
        record(request, auth, 'report.read', 'denied', { detail: 'report-not-found' });
        throw httpError(404, 'report-not-found', 'There is no signed report with this id.');
      }
      const where = { caseId: report.caseId, studyUid: report.studyInstanceUid };
      const mayRead =
        report.signed.document.author.userId === auth.user.id ||
        auth.user.role === 'admin' ||
        auth.user.role === 'qa-reviewer';
      if (!mayRead) {
        record(request, auth, 'report.read', 'denied', { ...where, detail: 'forbidden' });
        throw httpError(403, 'forbidden', 'This report belongs to another reader.');
      }
      const isAuthor = report.signed.document.author.userId === auth.user.id;
      const key = isAuthor ? idempotencyKeyOfReport(db, report.reportId) : null;
      const body = checkResponse(ReportResponse, {
        report: { ...report, ...(key !== null ? { idempotencyKey: key } : {}) },
      });
      record(request, auth, 'report.read', 'allowed', where);
      return body;
    });
  };
}
