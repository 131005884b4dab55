import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CaseIdParams,
  ConcordanceRequest,
  ConcordanceResponse,
  MyReviewsResponse,
  PeerReviewRatesResponse,
  QaItemDetail,
  QaItemParams,
  QaQueueResponse,
  QaResponseRequest,
  QaReviewParams,
  QaReviewRequest,
  QaReviewResponse,
  QaStatsResponse,
  SetPeerReviewRateRequest,
} from '../../../shared/api/contract.ts';
import type { Role } from '../../../shared/domain/case.ts';
import type { AppServices } from '../app-services.ts';
import { accessRecorder } from '../audit/record-access.ts';
import { requireAuth, type AuthContext } from '../auth/authenticate.ts';
import { assigneeHasSignedReport, getCase } from '../cases/case-repository.ts';
import { checkResponse, httpError, parseRequest } from '../http/api-errors.ts';
import { queue, resolveItem, reviewCaseOf, statistics } from '../qa/qa-items.ts';
import {
  concordanceOf,
  ensureQaSchema,
  insertReview,
  ownReadOfCase,
  peerReviewRates,
  publicReview,
  revealReview,
  reviewById,
  reviewOfItem,
  reviewsOfReader,
  saveConcordance,
  setPeerReviewRate,
  setReviewResponse,
} from '../qa/qa-repository.ts';

const NoQuery = z.strictObject({});
const QA_ROLES: readonly Role[] = ['qa-reviewer', 'admin'];

/**
 * Second-opinion concordance and QA peer review: the queue, RADPEER reviews, the reviewed
 * reader's notifications and responses, statistics and sampling rates. Every access, allowed or
 * denied, is in the audit log.
 */
export function qaRoutes(services: AppServices) {
  const { db, catalog, audit, access } = services;
  ensureQaSchema(db);

  const record = accessRecorder(audit);

  function requireRole(
    request: FastifyRequest,
    auth: AuthContext,
    roles: readonly Role[],
    action: string,
  ): void {
    if (roles.includes(auth.user.role)) return;
    record(request, auth, action, 'denied', { detail: 'forbidden-role' });
    throw httpError(
      403,
      'forbidden',
      roles.includes('qa-reviewer')
        ? 'Only QA reviewers and administrators can open the QA queue.'
        : 'Only administrators can do this.',
    );
  }

  /** A second opinion / peer review of the caller's, with their own signed read and the original. */
  function concordanceCase(request: FastifyRequest, auth: AuthContext, action: string) {
    const { id } = parseRequest(CaseIdParams, request.params, 'case address');
    const c = getCase(db, id);
    if (!c || c.assigneeId !== auth.user.id) {
      record(request, auth, action, 'denied', { caseId: id, detail: 'forbidden' });
      throw httpError(
        403,
        'forbidden',
        'Only the reader assigned to this case can record concordance.',
      );
    }
    if (c.kind === 'first-read' || !c.originalReportId) {
      record(request, auth, action, 'denied', { caseId: id, detail: 'no-original-report' });
      throw httpError(
        409,
        'no-original-report',
        'A first read has no original report to compare with.',
      );
    }
    return c;
  }

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/cases/:id/concordance', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const c = concordanceCase(request, auth, 'concordance.read');
      const body = checkResponse(ConcordanceResponse, { concordance: concordanceOf(db, c.caseId) });
      record(request, auth, 'concordance.read', 'allowed', {
        caseId: c.caseId,
        studyUid: c.studyUid,
      });
      return body;
    });

    app.post('/cases/:id/concordance', async (request) => {
      const auth = requireAuth(request);
      const action = 'concordance.record';
      const c = concordanceCase(request, auth, action);
      const body = parseRequest(ConcordanceRequest, request.body, 'concordance');
      const own = ownReadOfCase(db, c.caseId, auth.user.id);
      if (!own || !assigneeHasSignedReport(db, c)) {
        record(request, auth, action, 'denied', { caseId: c.caseId, detail: 'not-signed' });
        throw httpError(
          409,
          'report-not-signed',
          'Sign and send your own report first; concordance compares it with the original.',
        );
      }
      if (body.urgent && body.concordance !== 'major') {
        record(request, auth, action, 'denied', { caseId: c.caseId, detail: 'urgent-not-major' });
        throw httpError(
          400,
          'invalid-request',
          'Only a major discrepancy can be flagged as urgent.',
        );
      }
      const recordedAt = new Date().toISOString();
      saveConcordance(db, {
        caseId: c.caseId,
        concordance: body.concordance,
        comment: body.comment,
        urgent: body.urgent,
        recordedAt,
        userId: auth.user.id,
        reportId: own.reportId,
        originalReportId: c.originalReportId!,
      });
      // a discordance puts the study under QA review: QA reviewers may open it now
      access.invalidate();
      record(request, auth, action, 'allowed', {
        caseId: c.caseId,
        studyUid: c.studyUid,
        detail: `${body.concordance}${body.urgent ? ' urgent' : ''}`,
      });
      return checkResponse(ConcordanceResponse, { concordance: concordanceOf(db, c.caseId) });
    });

    app.get('/qa/queue', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      requireRole(request, auth, QA_ROLES, 'qa.queue');
      const items = await queue(db, catalog);
      record(request, auth, 'qa.queue', 'allowed', { detail: `${items.length} items` });
      return checkResponse(QaQueueResponse, { items });
    });

    app.get('/qa/items/:itemId', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      requireRole(request, auth, QA_ROLES, 'qa.item.read');
      const { itemId } = parseRequest(QaItemParams, request.params, 'QA item address');
      const resolved = await resolveItem(db, catalog, itemId);
      if (!resolved) {
        record(request, auth, 'qa.item.read', 'denied', { detail: 'not-found' });
        throw httpError(404, 'qa-item-not-found', 'This QA item does not exist (any more).');
      }
      const review = reviewOfItem(db, itemId);
      // the case that shows the study under review (a QA reviewer opens it scoped to such studies)
      const viewable = await reviewCaseOf(db, catalog, resolved.item.studyInstanceUid);
      const strip = ({
        reportId,
        authorDisplayName,
        signedAt,
        text,
        measurements,
      }: typeof resolved.first) => ({ reportId, authorDisplayName, signedAt, text, measurements });
      const body = checkResponse(QaItemDetail, {
        item: resolved.item,
        first: strip(resolved.first),
        second: resolved.second ? strip(resolved.second) : null,
        caseId: viewable,
        concordanceComment: resolved.concordanceComment,
        review: review ? publicReview(review, true) : null,
      });
      record(request, auth, 'qa.item.read', 'allowed', {
        studyUid: resolved.item.studyInstanceUid,
        detail: itemId,
      });
      return body;
    });

    app.post('/qa/items/:itemId/review', async (request, reply) => {
      const auth = requireAuth(request);
      const action = 'qa.review.create';
      requireRole(request, auth, QA_ROLES, action);
      const { itemId } = parseRequest(QaItemParams, request.params, 'QA item address');
      const body = parseRequest(QaReviewRequest, request.body, 'review');
      const resolved = await resolveItem(db, catalog, itemId);
      if (!resolved) {
        record(request, auth, action, 'denied', { detail: 'not-found' });
        throw httpError(404, 'qa-item-not-found', 'This QA item does not exist (any more).');
      }
      if (resolved.first.authorId === auth.user.id) {
        record(request, auth, action, 'denied', { detail: 'own-read' });
        throw httpError(403, 'own-read', 'You cannot review your own read.');
      }
      if (reviewOfItem(db, itemId)) {
        record(request, auth, action, 'denied', { detail: 'already-reviewed' });
        throw httpError(409, 'already-reviewed', 'This item has already been reviewed.');
      }
      const reviewId = insertReview(db, {
        itemId,
        studyUid: resolved.item.studyInstanceUid,
        reviewedReportId: resolved.first.reportId,
        reviewedUserId: resolved.first.authorId,
        reviewerId: auth.user.id,
        body,
      });
      record(request, auth, action, 'allowed', {
        studyUid: resolved.item.studyInstanceUid,
        detail: `${itemId} RADPEER ${body.score}`,
      });
      reply.code(201);
      return checkResponse(QaReviewResponse, {
        review: publicReview(reviewById(db, reviewId)!, true),
      });
    });

    /** One review: QA reviewers and administrators, or the reader it concerns (anonymously). */
    function reviewFor(request: FastifyRequest, auth: AuthContext, action: string) {
      const { id } = parseRequest(QaReviewParams, request.params, 'review address');
      const review = reviewById(db, id);
      if (!review) {
        record(request, auth, action, 'denied', { detail: 'not-found' });
        throw httpError(404, 'review-not-found', 'This review does not exist.');
      }
      const isQa = QA_ROLES.includes(auth.user.role);
      const isReviewed = review.reviewedUserId === auth.user.id;
      if (!isQa && !isReviewed) {
        record(request, auth, action, 'denied', {
          studyUid: review.studyInstanceUid,
          detail: 'forbidden',
        });
        throw httpError(403, 'forbidden', "This review concerns another reader's work.");
      }
      return { review, isQa, isReviewed };
    }

    app.get('/qa/reviews/:id', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const { review, isQa } = reviewFor(request, auth, 'qa.review.read');
      record(request, auth, 'qa.review.read', 'allowed', {
        studyUid: review.studyInstanceUid,
        detail: review.reviewId,
      });
      return checkResponse(QaReviewResponse, { review: publicReview(review, isQa) });
    });

    app.get('/qa/my-reviews', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const reviews = reviewsOfReader(db, auth.user.id).map((r) => publicReview(r, false));
      record(request, auth, 'qa.my-reviews', 'allowed', { detail: `${reviews.length} reviews` });
      return checkResponse(MyReviewsResponse, { reviews });
    });

    app.post('/qa/reviews/:id/response', async (request) => {
      const auth = requireAuth(request);
      const action = 'qa.review.respond';
      const { review, isReviewed } = reviewFor(request, auth, action);
      if (!isReviewed) {
        record(request, auth, action, 'denied', {
          studyUid: review.studyInstanceUid,
          detail: 'not-reviewed-reader',
        });
        throw httpError(403, 'forbidden', 'Only the reader whose work was reviewed can respond.');
      }
      const body = parseRequest(QaResponseRequest, request.body, 'response');
      setReviewResponse(db, review.reviewId, body.text);
      record(request, auth, action, 'allowed', {
        studyUid: review.studyInstanceUid,
        detail: review.reviewId,
      });
      return checkResponse(QaReviewResponse, {
        review: publicReview(reviewById(db, review.reviewId)!, false),
      });
    });

    app.post('/qa/reviews/:id/reveal', async (request) => {
      const auth = requireAuth(request);
      const action = 'qa.review.reveal';
      requireRole(request, auth, ['admin'], action);
      const { review } = reviewFor(request, auth, action);
      revealReview(db, review.reviewId);
      record(request, auth, action, 'allowed', {
        studyUid: review.studyInstanceUid,
        detail: review.reviewId,
      });
      return checkResponse(QaReviewResponse, {
        review: publicReview(reviewById(db, review.reviewId)!, true),
      });
    });

    app.get('/qa/stats', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      const withReaders = auth.user.role === 'admin';
      const body = checkResponse(QaStatsResponse, await statistics(db, catalog, withReaders));
      record(request, auth, 'qa.stats', 'allowed', {
        detail: withReaders ? 'with readers' : 'aggregated',
      });
      return body;
    });

    app.get('/qa/peer-review-rates', async (request) => {
      const auth = requireAuth(request);
      parseRequest(NoQuery, request.query, 'query string');
      requireRole(request, auth, ['admin'], 'qa.rates.read');
      record(request, auth, 'qa.rates.read', 'allowed');
      return checkResponse(PeerReviewRatesResponse, { rates: peerReviewRates(db) });
    });

    app.put('/qa/peer-review-rates', async (request) => {
      const auth = requireAuth(request);
      const action = 'qa.rates.set';
      requireRole(request, auth, ['admin'], action);
      const body = parseRequest(SetPeerReviewRateRequest, request.body, 'peer-review rate');
      if (!peerReviewRates(db).some((r) => r.userId === body.userId)) {
        record(request, auth, action, 'denied', { detail: 'not-a-radiologist' });
        throw httpError(404, 'user-not-found', 'No radiologist has this id.');
      }
      setPeerReviewRate(db, body.userId, body.rate);
      record(request, auth, action, 'allowed', { detail: `${body.userId} ${body.rate}` });
      return checkResponse(PeerReviewRatesResponse, { rates: peerReviewRates(db) });
    });
  };
}
