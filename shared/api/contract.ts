import { z } from 'zod';
import {
  AssignmentKind,
  AssignmentStatus,
  ClinicalContext,
  IsoDateTime,
  PriorStudy,
  Priority,
  Role,
  SignedReportSummary,
  StudySummary,
  Uid,
} from '../domain/case.ts';
import { Measurement } from '../domain/measurement.ts';
import { Concordance, DiscrepancyCategory, RadpeerScore } from '../domain/radpeer.ts';
import { SignedReport, Sha256Hex } from '../report/document.ts';
import { PublicKeyJwk } from '../report/signing.ts';

/**
 * The backend's HTTP contract. Every request body the backend accepts and every response body
 * it sends is one of these schemas; the backend validates both directions, the client validates
 * what it receives.
 */

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  subspecialties: z.array(z.string()),
});
export type User = z.infer<typeof User>;

export const LoginRequest = z.strictObject({
  username: z.string().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.object({
  token: z.string(),
  user: User,
  expiresAt: IsoDateTime,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const SessionInfo = z.object({
  user: User,
  expiresAt: IsoDateTime,
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const WorklistItem = z.object({
  caseId: z.string(),
  kind: AssignmentKind,
  priority: Priority,
  dueAt: IsoDateTime,
  status: AssignmentStatus,
  subspecialty: z.string(),
  studyInstanceUid: Uid,
  accessionNumber: z.string(),
  studyDate: z.string(),
  description: z.string(),
  modalities: z.array(z.string()),
  bodyPart: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  numberOfInstances: z.number().int().nonnegative(),
  numberOfPriors: z.number().int().nonnegative(),
});
export type WorklistItem = z.infer<typeof WorklistItem>;

export const WorklistResponse = z.object({
  items: z.array(WorklistItem),
});
export type WorklistResponse = z.infer<typeof WorklistResponse>;

export const CaseDetail = z.object({
  caseId: z.string(),
  kind: AssignmentKind,
  priority: Priority,
  dueAt: IsoDateTime,
  status: AssignmentStatus,
  subspecialty: z.string(),
  context: ClinicalContext,
  study: StudySummary,
  priors: z.array(PriorStudy),
  /** true when an original report exists (second opinion / peer review); its text is fetched separately */
  hasOriginalReport: z.boolean(),
  /** the assignee's own signed reports for this case (report first, then addenda), oldest first */
  signedReports: z.array(SignedReportSummary).optional(),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const OriginalReportResponse = z.object({
  report: SignedReportSummary,
});
export type OriginalReportResponse = z.infer<typeof OriginalReportResponse>;

/** `POST /api/workstation-keys`: enrolls the public half of a workstation's signing key for the signed-in user. */
export const EnrollWorkstationKeyRequest = z.strictObject({
  publicKeyJwk: PublicKeyJwk,
  /** a name for the workstation, shown to administrators */
  label: z.string().min(1).max(100),
});
export type EnrollWorkstationKeyRequest = z.infer<typeof EnrollWorkstationKeyRequest>;

export const EnrollWorkstationKeyResponse = z.object({
  keyId: z.string(),
});
export type EnrollWorkstationKeyResponse = z.infer<typeof EnrollWorkstationKeyResponse>;

/** Header carrying the idempotency key of `POST /api/reports` (8–128 of A-Z a-z 0-9 - _ . :). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'expected 8 to 128 letters, digits or - _ . :');

/**
 * `POST /api/reports` body: a `SignedReport` (shared/report/document.ts). The answer to the first
 * accepted submission; the same answer (200) again for the same idempotency key and body.
 */
export const SubmitReportRequest = SignedReport;
export const SubmitReportResponse = z.object({
  reportId: z.string(),
  caseId: z.string(),
  hash: Sha256Hex,
  /** when the backend stored it */
  receivedAt: IsoDateTime,
});
export type SubmitReportResponse = z.infer<typeof SubmitReportResponse>;

/** A report as `GET /api/reports/:id` returns it. */
export const StoredReport = SignedReportSummary.extend({
  caseId: z.string(),
  hash: Sha256Hex,
  keyId: z.string(),
  amends: Sha256Hex.nullable(),
  receivedAt: IsoDateTime,
  signed: SignedReport,
  /**
   * the Idempotency-Key it was received under: given to its author only (the outbox tells a
   * repeat of its own submission from a conflict by it), absent for everyone else
   */
  idempotencyKey: z.string().optional(),
  /** the DICOM SR written for it, once stored in the PACS / local store */
  sr: z.object({
    status: z.enum(['pending', 'stored', 'failed']),
    sopInstanceUid: Uid.nullable(),
    seriesInstanceUid: Uid.nullable(),
  }),
});
export type StoredReport = z.infer<typeof StoredReport>;

export const ReportResponse = z.object({ report: StoredReport });
export type ReportResponse = z.infer<typeof ReportResponse>;

export const ReportIdParams = z.strictObject({
  id: z.uuid('report id must be a UUID'),
});

export const HealthResponse = z.object({
  status: z.literal('ok'),
  version: z.string(),
  dicomweb: z.enum(['local', 'proxy']),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** Route params */
export const CaseIdParams = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9-]+$/, 'case id has invalid characters'),
});

/** Header naming the workstation, recorded in the audit log. */
export const WORKSTATION_HEADER = 'x-tandem-workstation';
export const SESSION_COOKIE = 'tandem_session';

// ---------------------------------------------------------------------------------------------
// Second opinions and QA peer review (issue 8). Every route below needs a session; the QA queue,
// item detail and scoring need the qa-reviewer or admin role; per-reader statistics, peer-review
// rates and revealing a reviewer need admin.

/** `POST /api/cases/:id/concordance`: the second reader's statement after comparing both reads. */
export const ConcordanceRequest = z.strictObject({
  concordance: Concordance,
  comment: z.string().max(4000),
  /** a major discrepancy flagged for urgent communication to the referrer */
  urgent: z.boolean(),
});
export type ConcordanceRequest = z.infer<typeof ConcordanceRequest>;

export const ConcordanceRecord = z.object({
  caseId: z.string(),
  concordance: Concordance,
  comment: z.string(),
  urgent: z.boolean(),
  recordedAt: IsoDateTime,
});
export type ConcordanceRecord = z.infer<typeof ConcordanceRecord>;

export const ConcordanceResponse = z.object({ concordance: ConcordanceRecord.nullable() });
export type ConcordanceResponse = z.infer<typeof ConcordanceResponse>;

/** Where a QA item comes from: a seeded discordant pair, a discordant concordance statement, a random sample. */
export const QaItemKind = z.enum(['discordant-pair', 'concordance', 'peer-review']);
export type QaItemKind = z.infer<typeof QaItemKind>;

export const QaItemId = z
  .string()
  .min(3)
  .max(200)
  .regex(/^(pair|concordance|peer):[A-Za-z0-9-]+$/, 'QA item id has invalid characters');

export const QaQueueItem = z.object({
  itemId: QaItemId,
  kind: QaItemKind,
  studyInstanceUid: Uid,
  description: z.string(),
  modality: z.string(),
  bodyPart: z.string(),
  subspecialty: z.string(),
  /** the second reader's statement, for concordance items */
  concordance: Concordance.nullable(),
  urgent: z.boolean(),
  /** the RADPEER score once reviewed */
  score: RadpeerScore.nullable(),
});
export type QaQueueItem = z.infer<typeof QaQueueItem>;

export const QaQueueResponse = z.object({ items: z.array(QaQueueItem) });
export type QaQueueResponse = z.infer<typeof QaQueueResponse>;

export const QaRead = z.object({
  reportId: z.string(),
  authorDisplayName: z.string(),
  signedAt: IsoDateTime,
  text: z.string(),
  /** the measurements of a read signed on Tandem (none for a text-only report) */
  measurements: z.array(Measurement),
});
export type QaRead = z.infer<typeof QaRead>;

export const QaReview = z.object({
  reviewId: z.string(),
  itemId: QaItemId,
  studyInstanceUid: Uid,
  score: RadpeerScore,
  category: DiscrepancyCategory.nullable(),
  note: z.string(),
  reviewedAt: IsoDateTime,
  /** the reviewer's name; null while the review is anonymous to the reader it concerns */
  reviewer: z.string().nullable(),
  revealed: z.boolean(),
  response: z.string().nullable(),
  respondedAt: IsoDateTime.nullable(),
});
export type QaReview = z.infer<typeof QaReview>;

export const QaItemDetail = z.object({
  item: QaQueueItem,
  /** the read under review (the original) */
  first: QaRead,
  /** the comparison read (second opinion); null for a random peer-review sample */
  second: QaRead.nullable(),
  /** a case of this study the caller may open in the viewer, if any */
  caseId: z.string().nullable(),
  concordanceComment: z.string().nullable(),
  review: QaReview.nullable(),
});
export type QaItemDetail = z.infer<typeof QaItemDetail>;

export const QaItemParams = z.strictObject({ itemId: QaItemId });
export const QaReviewParams = z.strictObject({ id: z.uuid('review id must be a UUID') });

export const QaReviewRequest = z
  .strictObject({
    score: RadpeerScore,
    category: DiscrepancyCategory.nullable(),
    note: z.string().max(4000),
  })
  .refine((r) => r.score === '1' || r.category !== null, {
    message: 'a discrepancy (RADPEER 2 or 3) needs a discrepancy category',
    path: ['category'],
  });
export type QaReviewRequest = z.infer<typeof QaReviewRequest>;

export const QaReviewResponse = z.object({ review: QaReview });
export type QaReviewResponse = z.infer<typeof QaReviewResponse>;

/** `GET /api/qa/my-reviews`: reviews of the caller's own reads (their QA notifications). */
export const MyReviewsResponse = z.object({ reviews: z.array(QaReview) });
export type MyReviewsResponse = z.infer<typeof MyReviewsResponse>;

export const QaResponseRequest = z.strictObject({ text: z.string().min(1).max(4000) });
export type QaResponseRequest = z.infer<typeof QaResponseRequest>;

/** Share of a radiologist's signed reports sampled for random peer review (admin-set). */
export const PeerReviewRate = z.object({
  userId: z.string(),
  displayName: z.string(),
  rate: z.number().min(0).max(1),
});
export type PeerReviewRate = z.infer<typeof PeerReviewRate>;

export const PeerReviewRatesResponse = z.object({ rates: z.array(PeerReviewRate) });
export type PeerReviewRatesResponse = z.infer<typeof PeerReviewRatesResponse>;

export const SetPeerReviewRateRequest = z.strictObject({
  userId: z.string().min(1).max(128),
  rate: z.number().min(0).max(1),
});
export type SetPeerReviewRateRequest = z.infer<typeof SetPeerReviewRateRequest>;

export const StatDimension = z.enum(['modality', 'bodyPart', 'subspecialty', 'reader', 'month']);
export type StatDimension = z.infer<typeof StatDimension>;

/** A proportion with its 95 % Wilson score interval. */
export const Proportion = z.object({
  count: z.number().int().nonnegative(),
  rate: z.number().min(0).max(1),
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
});
export type Proportion = z.infer<typeof Proportion>;

export const QaStatRow = z.object({
  key: z.string(),
  reviewed: z.number().int().nonnegative(),
  /** RADPEER 2 or 3 */
  discordant: Proportion,
  scores: z.record(RadpeerScore, Proportion),
});
export type QaStatRow = z.infer<typeof QaStatRow>;

export const QaStatsResponse = z.object({
  total: QaStatRow,
  /** `reader` only for administrators */
  groups: z.array(z.object({ dimension: StatDimension, rows: z.array(QaStatRow) })),
});
export type QaStatsResponse = z.infer<typeof QaStatsResponse>;
