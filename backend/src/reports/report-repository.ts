import { randomUUID } from 'node:crypto';
import type { StoredReport, SubmitReportResponse } from '../../../shared/api/contract.ts';
import type { SignedReportSummary } from '../../../shared/domain/case.ts';
import { SignedReport } from '../../../shared/report/document.ts';
import { PublicKeyJwk } from '../../../shared/report/signing.ts';
import { all, one, optStr, run, str, transaction, type Db, type Row } from '../db/database.ts';

/** Workstation keys, signed reports and their submissions (idempotency records) in SQLite. */

export interface WorkstationKey {
  keyId: string;
  userId: string;
  label: string;
  publicKeyJwk: PublicKeyJwk;
}

export function enrollKey(db: Db, userId: string, label: string, jwk: PublicKeyJwk): string {
  // One key is one workstation: enrolling the same public key again returns its id.
  const canonical = JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  const existing = one(
    db,
    'SELECT key_id FROM workstation_keys WHERE user_id = ? AND public_jwk = ?',
    userId,
    canonical,
  );
  if (existing) return str(existing, 'key_id');
  const keyId = `wk-${randomUUID()}`;
  run(
    db,
    'INSERT INTO workstation_keys (key_id, user_id, label, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)',
    keyId,
    userId,
    label,
    canonical,
    new Date().toISOString(),
  );
  return keyId;
}

export function findKey(db: Db, keyId: string): WorkstationKey | null {
  const row = one(db, 'SELECT * FROM workstation_keys WHERE key_id = ?', keyId);
  if (!row) return null;
  return {
    keyId: str(row, 'key_id'),
    userId: str(row, 'user_id'),
    label: str(row, 'label'),
    publicKeyJwk: PublicKeyJwk.parse(JSON.parse(str(row, 'public_jwk'))),
  };
}

export interface Submission {
  bodyHash: string;
  reportId: string;
  response: SubmitReportResponse;
}

export function findSubmission(db: Db, userId: string, idempotencyKey: string): Submission | null {
  const row = one(
    db,
    'SELECT * FROM report_submissions WHERE user_id = ? AND idempotency_key = ?',
    userId,
    idempotencyKey,
  );
  if (!row) return null;
  return {
    bodyHash: str(row, 'body_hash'),
    reportId: str(row, 'report_id'),
    response: JSON.parse(str(row, 'response')) as SubmitReportResponse,
  };
}

export function reportIdWithSignature(db: Db, signature: string, hash: string): string | null {
  const row = one(
    db,
    'SELECT report_id FROM reports WHERE signature = ? OR hash = ? LIMIT 1',
    signature,
    hash,
  );
  return row ? str(row, 'report_id') : null;
}

/** The idempotency key a stored report was received under (null for seeded reports). */
export function idempotencyKeyOfReport(db: Db, reportId: string): string | null {
  const row = one(
    db,
    'SELECT idempotency_key FROM report_submissions WHERE report_id = ? LIMIT 1',
    reportId,
  );
  return row ? str(row, 'idempotency_key') : null;
}

export function reportExists(db: Db, reportId: string): boolean {
  return one(db, 'SELECT 1 AS x FROM reports WHERE report_id = ?', reportId) !== undefined;
}

/** The hashes of the signed reports (and addenda) the author has on a case. */
export function signedHashesOfCase(db: Db, caseId: string, authorId: string): string[] {
  return all(
    db,
    'SELECT hash FROM reports WHERE case_id = ? AND author_id = ? AND hash IS NOT NULL',
    caseId,
    authorId,
  ).map((r) => str(r, 'hash'));
}

export interface NewReport {
  signed: SignedReport;
  studyUid: string;
  authorUsername: string;
  text: string;
  idempotencyKey: string;
  bodyHash: string;
  receivedAt: string;
}

/**
 * Stores a verified report, its submission record and the assignment's new status in one
 * transaction: either all of it is there or none (a crash cannot leave a report without its
 * idempotency record, which would turn a retry into a duplicate).
 */
export function insertReport(db: Db, r: NewReport): SubmitReportResponse {
  const d = r.signed.document;
  const response: SubmitReportResponse = {
    reportId: d.reportId,
    caseId: d.caseId,
    hash: r.signed.hash,
    receivedAt: r.receivedAt,
  };
  transaction(db, () => {
    run(
      db,
      `INSERT INTO reports (report_id, study_uid, case_id, author, author_display_name, signed_at, text,
         author_id, hash, signature, key_id, amends, signed_json, received_at, sr_status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      d.reportId,
      r.studyUid,
      d.caseId,
      r.authorUsername,
      d.author.displayName,
      d.signedAt,
      r.text,
      d.author.userId,
      r.signed.hash,
      r.signed.signature,
      d.keyId,
      d.amends ?? null,
      JSON.stringify(r.signed),
      r.receivedAt,
    );
    run(
      db,
      `INSERT INTO report_submissions (user_id, idempotency_key, body_hash, report_id, response, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      d.author.userId,
      r.idempotencyKey,
      r.bodyHash,
      d.reportId,
      JSON.stringify(response),
      r.receivedAt,
    );
    run(db, "UPDATE cases SET status = 'reported' WHERE case_id = ?", d.caseId);
  });
  return response;
}

export function setSrState(
  db: Db,
  reportId: string,
  state: { status: 'stored' | 'failed'; seriesUid: string | null; sopUid: string | null },
): void {
  run(
    db,
    'UPDATE reports SET sr_status = ?, sr_series_uid = ?, sr_sop_uid = ? WHERE report_id = ?',
    state.status,
    state.seriesUid,
    state.sopUid,
    reportId,
  );
}

/** A signed report as submitted through the API (null for unknown ids and seeded text-only reports). */
export function getStoredReport(db: Db, reportId: string): StoredReport | null {
  const row = one(
    db,
    'SELECT * FROM reports WHERE report_id = ? AND signed_json IS NOT NULL',
    reportId,
  );
  return row ? toStoredReport(row) : null;
}

function toStoredReport(row: Row): StoredReport {
  const status = optStr(row, 'sr_status');
  return {
    reportId: str(row, 'report_id'),
    studyInstanceUid: str(row, 'study_uid'),
    authorDisplayName: str(row, 'author_display_name'),
    signedAt: str(row, 'signed_at'),
    text: str(row, 'text'),
    caseId: str(row, 'case_id'),
    hash: str(row, 'hash'),
    keyId: str(row, 'key_id'),
    amends: optStr(row, 'amends'),
    receivedAt: str(row, 'received_at'),
    signed: SignedReport.parse(JSON.parse(str(row, 'signed_json'))),
    sr: {
      status: status === 'stored' || status === 'failed' ? status : 'pending',
      sopInstanceUid: optStr(row, 'sr_sop_uid'),
      seriesInstanceUid: optStr(row, 'sr_series_uid'),
    },
  };
}

/** The author's own signed reports on a case (report, then addenda), for the case detail. */
export function signedReportsOfCase(
  db: Db,
  caseId: string,
  authorId: string,
): SignedReportSummary[] {
  return all(
    db,
    'SELECT * FROM reports WHERE case_id = ? AND author_id = ? AND signed_json IS NOT NULL ORDER BY signed_at, received_at',
    caseId,
    authorId,
  ).map((row) => ({
    reportId: str(row, 'report_id'),
    studyInstanceUid: str(row, 'study_uid'),
    authorDisplayName: str(row, 'author_display_name'),
    signedAt: str(row, 'signed_at'),
    text: str(row, 'text'),
  }));
}

/**
 * Reports whose SR is not in the store yet: failed ones, and pending ones older than `staleMs`
 * (their delivery was cut short by a crash; younger ones may still be in flight).
 */
export function reportsAwaitingSr(
  db: Db,
  now: Date,
  staleMs: number,
): Array<{ signed: SignedReport; studyUid: string }> {
  const before = new Date(now.getTime() - staleMs).toISOString();
  return all(
    db,
    `SELECT signed_json, study_uid FROM reports WHERE signed_json IS NOT NULL
       AND (sr_status = 'failed' OR (sr_status = 'pending' AND received_at < ?))
     ORDER BY received_at LIMIT 50`,
    before,
  ).map((row) => ({
    signed: SignedReport.parse(JSON.parse(str(row, 'signed_json'))),
    studyUid: str(row, 'study_uid'),
  }));
}

/**
 * The SR series of other readers' reports on studies where `userId` holds a second opinion they
 * have not reported yet: DICOMweb hides them, or the original report would reach the blinded
 * reader (and their cache) as an SR in the study.
 */
export function blindedReportSeries(db: Db, userId: string): ReadonlySet<string> {
  return new Set(
    all(
      db,
      `SELECT r.sr_series_uid AS uid FROM reports r
         JOIN cases c ON c.study_uid = r.study_uid AND c.assignee_id = ? AND c.kind = 'second-opinion'
        WHERE r.sr_series_uid IS NOT NULL AND (r.author_id IS NULL OR r.author_id <> ?)
          AND NOT EXISTS (SELECT 1 FROM reports own WHERE own.case_id = c.case_id)`,
      userId,
      userId,
    ).map((row) => str(row, 'uid')),
  );
}
