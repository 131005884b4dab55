import type { z } from 'zod';
import {
  CaseDetail,
  ConcordanceResponse,
  EnrollWorkstationKeyResponse,
  MyReviewsResponse,
  PeerReviewRatesResponse,
  QaItemDetail,
  QaQueueResponse,
  QaReviewResponse,
  QaStatsResponse,
  ErrorBody,
  HealthResponse,
  LoginResponse,
  IDEMPOTENCY_HEADER,
  OriginalReportResponse,
  ReportResponse,
  SessionInfo,
  SubmitReportResponse,
  WorklistResponse,
  type ConcordanceRequest,
  type EnrollWorkstationKeyRequest,
  type QaReviewRequest,
  type SetPeerReviewRateRequest,
  type LoginRequest,
} from './contract.ts';
import type { SignedReport } from '../report/document.ts';
import { TandemError } from './errors.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Base URL of the backend, '' for same origin. */
  baseUrl: string;
  fetch: FetchLike;
  /** Bearer token; omit in browser mode where the session cookie authenticates. */
  token?: string;
  workstationId?: string;
}

/** Typed client of the backend contract. Transport is injected so it runs anywhere. */
export class ApiClient {
  private readonly opts: ApiClientOptions;

  constructor(opts: ApiClientOptions) {
    this.opts = opts;
  }

  login(body: LoginRequest): Promise<LoginResponse> {
    return this.request('POST', '/api/session', LoginResponse, body);
  }

  session(): Promise<SessionInfo> {
    return this.request('GET', '/api/session', SessionInfo);
  }

  async logout(): Promise<void> {
    await this.raw('DELETE', '/api/session');
  }

  worklist(): Promise<WorklistResponse> {
    return this.request('GET', '/api/worklist', WorklistResponse);
  }

  caseDetail(caseId: string): Promise<CaseDetail> {
    return this.request('GET', `/api/cases/${encodeURIComponent(caseId)}`, CaseDetail);
  }

  originalReport(caseId: string): Promise<OriginalReportResponse> {
    return this.request(
      'GET',
      `/api/cases/${encodeURIComponent(caseId)}/original-report`,
      OriginalReportResponse,
    );
  }

  /** Enrolls this workstation's public signing key for the signed-in user (at sign-in). */
  enrollWorkstationKey(body: EnrollWorkstationKeyRequest): Promise<EnrollWorkstationKeyResponse> {
    return this.request('POST', '/api/workstation-keys', EnrollWorkstationKeyResponse, body);
  }

  /**
   * Delivers a signed report. Retrying with the same idempotency key and report is safe (the
   * backend answers as the first time); errors are TandemErrors with the backend's code, e.g.
   * 409 `report-replayed`, 422 `report-tampered`.
   */
  submitReport(signed: SignedReport, idempotencyKey: string): Promise<SubmitReportResponse> {
    return this.request('POST', '/api/reports', SubmitReportResponse, signed, {
      [IDEMPOTENCY_HEADER]: idempotencyKey,
    });
  }

  getReport(reportId: string): Promise<ReportResponse> {
    return this.request('GET', `/api/reports/${encodeURIComponent(reportId)}`, ReportResponse);
  }

  // --- second opinions and QA (issue 8) ---

  concordance(caseId: string): Promise<ConcordanceResponse> {
    return this.request(
      'GET',
      `/api/cases/${encodeURIComponent(caseId)}/concordance`,
      ConcordanceResponse,
    );
  }

  recordConcordance(caseId: string, body: ConcordanceRequest): Promise<ConcordanceResponse> {
    return this.request(
      'POST',
      `/api/cases/${encodeURIComponent(caseId)}/concordance`,
      ConcordanceResponse,
      body,
    );
  }

  qaQueue(): Promise<QaQueueResponse> {
    return this.request('GET', '/api/qa/queue', QaQueueResponse);
  }

  qaItem(itemId: string): Promise<QaItemDetail> {
    return this.request('GET', `/api/qa/items/${encodeURIComponent(itemId)}`, QaItemDetail);
  }

  reviewQaItem(itemId: string, body: QaReviewRequest): Promise<QaReviewResponse> {
    return this.request(
      'POST',
      `/api/qa/items/${encodeURIComponent(itemId)}/review`,
      QaReviewResponse,
      body,
    );
  }

  qaReview(reviewId: string): Promise<QaReviewResponse> {
    return this.request('GET', `/api/qa/reviews/${encodeURIComponent(reviewId)}`, QaReviewResponse);
  }

  myReviews(): Promise<MyReviewsResponse> {
    return this.request('GET', '/api/qa/my-reviews', MyReviewsResponse);
  }

  respondToReview(reviewId: string, text: string): Promise<QaReviewResponse> {
    return this.request(
      'POST',
      `/api/qa/reviews/${encodeURIComponent(reviewId)}/response`,
      QaReviewResponse,
      { text },
    );
  }

  revealReviewer(reviewId: string): Promise<QaReviewResponse> {
    return this.request(
      'POST',
      `/api/qa/reviews/${encodeURIComponent(reviewId)}/reveal`,
      QaReviewResponse,
      {},
    );
  }

  qaStats(): Promise<QaStatsResponse> {
    return this.request('GET', '/api/qa/stats', QaStatsResponse);
  }

  peerReviewRates(): Promise<PeerReviewRatesResponse> {
    return this.request('GET', '/api/qa/peer-review-rates', PeerReviewRatesResponse);
  }

  setPeerReviewRate(body: SetPeerReviewRateRequest): Promise<PeerReviewRatesResponse> {
    return this.request('PUT', '/api/qa/peer-review-rates', PeerReviewRatesResponse, body);
  }

  health(): Promise<HealthResponse> {
    return this.request('GET', '/api/health', HealthResponse);
  }

  private async request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
    extraHeaders?: Record<string, string>,
  ): Promise<z.infer<T>> {
    const res = await this.raw(method, path, body, extraHeaders);
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      // an answer cut short (a connection dropped mid-body) or not JSON at all: say so plainly,
      // without a status, so callers treat it like a lost answer and may ask again
      throw new TandemError(
        'bad-response',
        `The server's answer was cut short or unreadable (${path}). Try again.`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new TandemError(
        'bad-response',
        `The server sent a response Tandem does not understand (${path}).`,
      );
    }
    return parsed.data;
  }

  private async raw(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders?: Record<string, string>,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.opts.token) headers['authorization'] = `Bearer ${this.opts.token}`;
    if (this.opts.workstationId) headers['x-tandem-workstation'] = this.opts.workstationId;
    let res: Response;
    try {
      res = await this.opts.fetch(this.opts.baseUrl + path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new TandemError(
        'offline',
        'The server cannot be reached. Check the network connection; work cached on this workstation is still available.',
      );
    }
    if (!res.ok) {
      let message = `The server answered ${res.status}.`;
      let code = `http-${res.status}`;
      try {
        const err = ErrorBody.safeParse(await res.json());
        if (err.success) {
          message = err.data.error.message;
          code = err.data.error.code;
        }
      } catch {
        // body was not JSON: keep the generic message
      }
      throw new TandemError(code, message, res.status);
    }
    return res;
  }
}
