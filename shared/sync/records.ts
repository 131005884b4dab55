import { z } from 'zod';
import { Uid } from '../domain/case.ts';

/**
 * Data that crosses the sync engine's store port. The cache's row schemas extend these, so each
 * shape is written once (STYLE.md: types come from one source).
 */

/** Sync state of one case as the worklist shows it (`data-sync-state`). */
export const CaseSyncState = z.enum(['queued', 'syncing', 'ready', 'error']);
export type CaseSyncState = z.infer<typeof CaseSyncState>;

/** Why part of a case could not be brought onto the workstation; the message is for the radiologist. */
export const CaseSyncError = z.object({
  /** what failed: `case`, `study:<uid>` or `instance:<uid>` — for programs, never shown */
  subject: z.string(),
  code: z.string(),
  message: z.string(),
  at: z.number(),
});
export type CaseSyncError = z.infer<typeof CaseSyncError>;

/** Progress of one case, its priors included. */
export const CaseProgress = z.object({
  caseId: z.string(),
  state: CaseSyncState,
  /** verified and stored instances of the case's study and its priors */
  instancesDone: z.number().int().nonnegative(),
  /** all instances of the case's study and its priors (an estimate until every study is listed) */
  instancesTotal: z.number().int().nonnegative(),
  bytesDone: z.number().nonnegative(),
  errors: z.array(CaseSyncError),
});
export type CaseProgress = z.infer<typeof CaseProgress>;

/** An instance whose Part-10 bytes were verified, ready to be stored. */
export const VerifiedInstance = z.object({
  sopInstanceUid: Uid,
  studyInstanceUid: Uid,
  seriesInstanceUid: Uid,
  sopClassUid: z.string().optional(),
  transferSyntaxUid: z.string(),
  instanceNumber: z.number().int().optional(),
  numberOfFrames: z.number().int().optional(),
  rows: z.number().int().optional(),
  columns: z.number().int().optional(),
  /** bytes of the Part-10 file */
  size: z.number().int().nonnegative(),
  /** the Part-10 file as received (original transfer syntax), or sealed when `sealed` */
  blob: z.instanceof(Blob),
  /** `blob` is sealed with the workstation key (`shared/cache/at-rest-cipher.ts`); absent: plain */
  sealed: z.boolean().optional(),
  /**
   * The file's bytes before its pixel data (file meta and header elements), sealed as `blob` is:
   * what the viewer reads of an image for its metadata alone. Absent in rows stored before, and
   * for files that cannot be cut there (deflated).
   */
  header: z.custom<Uint8Array<ArrayBuffer>>((v) => v instanceof Uint8Array).optional(),
});
export type VerifiedInstance = z.infer<typeof VerifiedInstance>;
