import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CaseDetail,
  CaseIdParams,
  OriginalReportResponse,
  WorklistResponse,
  type WorklistItem,
} from '../../../shared/api/contract.ts';
import type { AppServices } from '../app-services.ts';
import { accessRecorder } from '../audit/record-access.ts';
import { requireAuth, type AuthContext } from '../auth/authenticate.ts';
import {
  assigneeHasSignedReport,
  casesOfAssignee,
  getCase,
  getReport,
  openCases,
  type CaseRecord,
} from '../cases/case-repository.ts';
import {
  caseDetail,
  compareWorklist,
  scopedToStudies,
  scopedWorklistItem,
  worklistItem,
} from '../cases/case-views.ts';
import { checkResponse, httpError, parseRequest } from '../http/api-errors.ts';
import { signedReportsOfCase } from '../reports/report-repository.ts';

const NoQuery = z.strictObject({});

/** Worklist, case detail and the (blinded) original report. Every route here needs a session. */
export function caseRoutes(services: AppServices) {
  const { db, catalog, audit, access } = services;

  const record = accessRecorder(audit);

  /**
   * Loads a case the caller may open: their own; any for an administrator; for a QA reviewer one
   * with a study under QA review, seen through `scope` (only those studies). Both are noted in the
   * audit.
   */
  async function openCase(
    request: FastifyRequest,
    auth: AuthContext,
    action: string,
  ): Promise<{ c: CaseRecord; detail: string | undefined; scope: ReadonlySet<string> | null }> {
    const { id } = parseRequest(CaseIdParams, request.params, 'case address');
    const c = getCase(db, id);
    if (!c) {
      record(request, auth, action, 'denied', { caseId: id, detail: 'case-not-found' });
      throw httpError(404, 'case-not-found', 'This case does not exist or has been withdrawn.');
    }
    if (c.assigneeId === auth.user.id) return { c, detail: undefined, scope: null };
    if (auth.user.role === 'admin') return { c, detail: 'admin-access', scope: null };
    if (auth.user.role === 'qa-reviewer' && c.status !== 'cancelled') {
      const scope = await access.qaScopeOfCase(c);
      if (scope) return { c, detail: 'qa-review', scope };
    }
    record(request, auth, action, 'denied', {
      caseId: c.caseId,
      studyUid: c.studyUid,
      detail: 'forbidden',
    });
    throw httpError(
      403,
      'forbidden',
      auth.user.role === 'qa-reviewer'
        ? 'This case is not under QA review; a QA reviewer can open only the cases of the QA queue.'
        : 'This case is assigned to another reader; you cannot open it.',
    );
  }

  /** The cases under QA review, as a QA reviewer sees them (only their studies under review). */
  async function qaWorklist(): Promise<WorklistItem[]> {
    const out: WorklistItem[] = [];
    for (const c of openCases(db)) {
      const scope = await access.qaScopeOfCase(c);
      if (!scope) continue;
      const detail = scopedToStudies(await caseDetail(db, catalog, c), scope);
      out.push(scopedWorklistItem(await worklistItem(db, catalog, c), detail));
    }
    return out;
  }

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/worklist', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const items = await Promise.all(
        casesOfAssignee(db, auth.user.id).map((c) => worklistItem(db, catalog, c)),
      );
      if (auth.user.role === 'qa-reviewer') items.push(...(await qaWorklist()));
      items.sort(compareWorklist);
      record(request, auth, 'worklist.read', 'allowed', { detail: `${items.length} cases` });
      return checkResponse(WorklistResponse, { items });
    });

    app.get('/cases/:id', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const { c, detail, scope } = await openCase(request, auth, 'case.read');
      const full = await caseDetail(db, catalog, c);
      const body = checkResponse(CaseDetail, {
        ...(scope ? scopedToStudies(full, scope) : full),
        signedReports: signedReportsOfCase(db, c.caseId, c.assigneeId),
      });
      record(request, auth, 'case.read', 'allowed', {
        caseId: c.caseId,
        studyUid: c.studyUid,
        ...(detail ? { detail } : {}),
      });
      return body;
    });

    app.get('/cases/:id/original-report', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const action = 'case.original-report';
      const { c, detail } = await openCase(request, auth, action);
      const where = { caseId: c.caseId, studyUid: c.studyUid };
      if (c.kind === 'first-read') {
        record(request, auth, action, 'denied', { ...where, detail: 'no-original-report' });
        throw httpError(404, 'no-original-report', 'A first read has no original report.');
      }
      if (
        c.kind === 'second-opinion' &&
        auth.user.role !== 'admin' &&
        !assigneeHasSignedReport(db, c)
      ) {
        record(request, auth, action, 'denied', { ...where, detail: 'blinded' });
        throw httpError(
          403,
          'blinded',
          'The original report stays hidden until you sign your own report.',
        );
      }
      const report = c.originalReportId ? getReport(db, c.originalReportId) : null;
      if (!report) {
        record(request, auth, action, 'denied', { ...where, detail: 'no-original-report' });
        throw httpError(404, 'no-original-report', 'No original report is on file for this case.');
      }
      const body = checkResponse(OriginalReportResponse, { report });
      record(request, auth, action, 'allowed', { ...where, ...(detail ? { detail } : {}) });
      return body;
    });
  };
}
