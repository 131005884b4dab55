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
