import { z } from 'zod';
import { WorklistItem } from '../api/contract.ts';
import {
  AssignmentKind,
  ClinicalContext,
  SeriesSummary,
  SignedReportSummary,
  StudySummary,
  Uid,
} from '../domain/case.ts';
import { CaseProgress, VerifiedInstance } from '../sync/records.ts';

/**
 * Row types of the `tandem` database, from zod schemas built on the API contract and the sync
 * engine's records (one source for each shape). Times are epoch milliseconds.
 *
 * Rows of `drafts`, `signedReports`, `outbox`, `annotations` and `audit` carry what the cache
 * needs to know (which case, which state); their bodies belong to the Report and Viewer features,
 * which refine the `unknown` payloads.
 */

/** A worklist item as last received. */
export const AssignmentRow = WorklistItem.extend({ receivedAt: z.number() });
export type AssignmentRow = z.infer<typeof AssignmentRow>;

/** A case's clinical context (never an original report: that is fetched after signing, not cached ahead). */
export const ContextRow = z.object({
  caseId: z.string(),
  kind: AssignmentKind,
  context: ClinicalContext,
  hasOriginalReport: z.boolean(),
  storedAt: z.number(),
});
export type ContextRow = z.infer<typeof ContextRow>;

/** A study, current or prior; `caseIds` are the cases that need it (shared priors have several). */
export const StudyRow = StudySummary.omit({ series: true }).extend({
  caseIds: z.array(z.string()),
  /** a prior's report, as the case detail carried it */
  report: SignedReportSummary.nullable(),
});
export type StudyRow = z.infer<typeof StudyRow>;

export const SeriesRow = SeriesSummary.extend({ studyInstanceUid: Uid });
export type SeriesRow = z.infer<typeof SeriesRow>;

/** Which studies are a case's priors, in the backend's order. */
export const PriorLinkRow = z.object({
  caseId: z.string(),
  studyInstanceUid: Uid,
  order: z.number().int().nonnegative(),
});
export type PriorLinkRow = z.infer<typeof PriorLinkRow>;

/** Version 1 instance row: a verified Part-10 file and what is known of it. */
export const InstanceRowV1 = VerifiedInstance.extend({
  caseIds: z.array(z.string()),
  storedAt: z.number(),
});
export type InstanceRowV1 = z.infer<typeof InstanceRowV1>;

/** Version 2 adds the last time the viewer read the instance (`sealed` comes from `VerifiedInstance`). */
export const InstanceRow = InstanceRowV1.extend({
  lastAccessedAt: z.number(),
});
export type InstanceRow = z.infer<typeof InstanceRow>;

export const DraftRow = z.object({
  draftId: z.string(),
  caseId: z.string(),
  updatedAt: z.number(),
  content: z.unknown(),
});
export type DraftRow = z.infer<typeof DraftRow>;

export const SignedReportRow = z.object({
  reportId: z.string(),
  caseId: z.string(),
  signedAt: z.number(),
  document: z.unknown(),
});
export type SignedReportRow = z.infer<typeof SignedReportRow>;

/** An outbox item is unsent until the backend confirmed it (`delivered`). */
export const OutboxState = z.enum(['pending', 'sending', 'failed', 'delivered']);
export type OutboxState = z.infer<typeof OutboxState>;
export const UNSENT_OUTBOX_STATES: readonly OutboxState[] = ['pending', 'sending', 'failed'];

export const OutboxRow = z.object({
  idempotencyKey: z.string(),
  caseId: z.string(),
  reportId: z.string(),
  state: OutboxState,
  attempts: z.number().int().nonnegative(),
  createdAt: z.number(),
  payload: z.unknown(),
});
export type OutboxRow = z.infer<typeof OutboxRow>;

export const AnnotationRow = z.object({
  annotationId: z.string(),
  caseId: z.string(),
  sopInstanceUid: Uid,
  updatedAt: z.number(),
  data: z.unknown(),
});
export type AnnotationRow = z.infer<typeof AnnotationRow>;

export const AuditRow = z.object({
  seq: z.number().int(),
  at: z.number(),
  type: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditRow = z.infer<typeof AuditRow>;

/** What the worklist shows of a case's sync (`data-sync-state`), written by the sync engine. */
export const SyncStateRow = CaseProgress.extend({ updatedAt: z.number() });
export type SyncStateRow = z.infer<typeof SyncStateRow>;

/** Version 2: per case, the bytes its instances take and when it was last opened (for LRU eviction). */
export const CaseUsageRow = z.object({
  caseId: z.string(),
  bytes: z.number().nonnegative(),
  instances: z.number().int().nonnegative(),
  lastAccessedAt: z.number(),
});
export type CaseUsageRow = z.infer<typeof CaseUsageRow>;

/** Version 3: a hanging protocol the user saved (validated against the protocol schema on use). */
export const ProtocolRow = z.object({
  protocolId: z.string(),
  name: z.string(),
  updatedAt: z.number(),
  protocol: z.unknown(),
});
export type ProtocolRow = z.infer<typeof ProtocolRow>;

/** Version 3: a second opinion's original report, stored only once the backend released it. */
export const OriginalReportRow = z.object({
  caseId: z.string(),
  fetchedAt: z.number(),
  report: z.unknown(),
});
export type OriginalReportRow = z.infer<typeof OriginalReportRow>;

/** Version 3: one local import (files dropped or picked), with every rejected file and its reason. */
export const ImportRow = z.object({
  importId: z.string(),
  caseId: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  files: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
  rejected: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type ImportRow = z.infer<typeof ImportRow>;
