import { createHash, randomUUID } from 'node:crypto';
import type {
  ConcordanceRecord,
  PeerReviewRate,
  QaRead,
  QaReview,
  QaReviewRequest,
} from '../../../shared/api/contract.ts';
import { Concordance, DiscrepancyCategory, RadpeerScore } from '../../../shared/domain/radpeer.ts';
import { SignedReport } from '../../../shared/report/document.ts';
import { all, one, optStr, run, str, type Db, type Row } from '../db/database.ts';

/**
 * QA state in SQLite: concordance statements of second readers, RADPEER reviews, peer-review
 * sampling rates. Tables are created here (idempotently) so the QA feature stays in one place.
 */
export function ensureQaSchema(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS qa_concordance (
      case_id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      report_id TEXT NOT NULL,
      original_report_id TEXT NOT NULL,
      concordance TEXT NOT NULL,
      comment TEXT NOT NULL,
      urgent INTEGER NOT NULL,
      recorded_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS qa_reviews (
      review_id TEXT PRIMARY KEY,
      item_id TEXT NOT NULL UNIQUE,
      study_uid TEXT NOT NULL,
      reviewed_report_id TEXT NOT NULL,
      reviewed_user_id TEXT,
      reviewer_id TEXT NOT NULL,
      score TEXT NOT NULL,
      category TEXT,
      note TEXT NOT NULL,
      reviewed_at TEXT NOT NULL,
      revealed INTEGER NOT NULL DEFAULT 0,
      response TEXT,
      responded_at TEXT
    );
    CREATE INDEX IF NOT EXISTS qa_reviews_reviewed_user ON qa_reviews(reviewed_user_id);
    CREATE TABLE IF NOT EXISTS qa_peer_review_rates (
      user_id TEXT PRIMARY KEY,
      rate REAL NOT NULL
    );
  `);
}

/** Share of a radiologist's reports sampled for peer review when an administrator set none. */
export const DEFAULT_PEER_REVIEW_RATE = 0.1;

export interface StoredRead extends QaRead {
  studyUid: string;
  authorId: string | null;
}

/** The measurements of a report signed on Tandem; a seeded text-only report has none. */
function measurementsOf(row: Row): QaRead['measurements'] {
  const json = optStr(row, 'signed_json');
  if (json === null) return [];
  const signed = SignedReport.safeParse(JSON.parse(json));
  return signed.success ? signed.data.document.content.measurements : [];
}

function toRead(row: Row): StoredRead {
  return {
    reportId: str(row, 'report_id'),
    authorDisplayName: str(row, 'author_display_name'),
    signedAt: str(row, 'signed_at'),
    text: str(row, 'text'),
    measurements: measurementsOf(row),
    studyUid: str(row, 'study_uid'),
    authorId: optStr(row, 'author_id'),
  };
}

export function readOf(db: Db, reportId: string): StoredRead | null {
  const row = one(db, 'SELECT * FROM reports WHERE report_id = ?', reportId);
  return row ? toRead(row) : null;
}

/** The assignee's own first signed report of a case (not an addendum). */
export function ownReadOfCase(db: Db, caseId: string, userId: string): StoredRead | null {
  const row = one(
    db,
    `SELECT * FROM reports WHERE case_id = ? AND author_id = ? AND amends IS NULL
     ORDER BY signed_at LIMIT 1`,
    caseId,
    userId,
  );
  return row ? toRead(row) : null;
}

// --- concordance ---

function toConcordance(row: Row): ConcordanceRecord {
  return {
    caseId: str(row, 'case_id'),
    concordance: Concordance.parse(str(row, 'concordance')),
    comment: str(row, 'comment'),
    urgent: Number(row['urgent']) === 1,
    recordedAt: str(row, 'recorded_at'),
  };
}

export function concordanceOf(db: Db, caseId: string): ConcordanceRecord | null {
  const row = one(db, 'SELECT * FROM qa_concordance WHERE case_id = ?', caseId);
  return row ? toConcordance(row) : null;
}

export function saveConcordance(
  db: Db,
  c: ConcordanceRecord & { userId: string; reportId: string; originalReportId: string },
): void {
  run(
    db,
    `INSERT INTO qa_concordance (case_id, user_id, report_id, original_report_id, concordance, comment, urgent, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(case_id) DO UPDATE SET concordance = excluded.concordance, comment = excluded.comment,
       urgent = excluded.urgent, recorded_at = excluded.recorded_at`,
    c.caseId,
    c.userId,
    c.reportId,
    c.originalReportId,
    c.concordance,
    c.comment,
    c.urgent ? 1 : 0,
    c.recordedAt,
  );
}

// --- peer-review sampling ---

export function peerReviewRates(db: Db): PeerReviewRate[] {
  return all(
    db,
    `SELECT u.id, u.display_name, r.rate FROM users u LEFT JOIN qa_peer_review_rates r ON r.user_id = u.id
     WHERE u.role = 'radiologist' ORDER BY u.username`,
  ).map((row) => ({
    userId: str(row, 'id'),
    displayName: str(row, 'display_name'),
    rate:
      row['rate'] === null || row['rate'] === undefined
        ? DEFAULT_PEER_REVIEW_RATE
        : Number(row['rate']),
  }));
}

export function setPeerReviewRate(db: Db, userId: string, rate: number): void {
  run(
    db,
    `INSERT INTO qa_peer_review_rates (user_id, rate) VALUES (?, ?)
     ON CONFLICT(user_id) DO UPDATE SET rate = excluded.rate`,
    userId,
    rate,
  );
}

/** A stable draw in [0, 1) per report: the same report is sampled or not on every call. */
export function sampleDraw(reportId: string): number {
  return createHash('sha256').update(`peer-review:${reportId}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Reports signed on Tandem by radiologists that the sampling picked for peer review. */
export function sampledReads(db: Db): StoredRead[] {
  const rates = new Map(peerReviewRates(db).map((r) => [r.userId, r.rate]));
  return all(
    db,
    `SELECT * FROM reports WHERE author_id IS NOT NULL AND signature IS NOT NULL AND amends IS NULL
     ORDER BY signed_at`,
  )
    .map(toRead)
    .filter((r) => sampleDraw(r.reportId) < (rates.get(r.authorId ?? '') ?? 0));
}

// --- reviews ---

interface ReviewRow extends QaReview {
  reviewedUserId: string | null;
  reviewerId: string;
  reviewedReportId: string;
}

function toReview(row: Row): ReviewRow {
  const category = optStr(row, 'category');
  return {
    reviewId: str(row, 'review_id'),
    itemId: str(row, 'item_id'),
    studyInstanceUid: str(row, 'study_uid'),
    score: RadpeerScore.parse(str(row, 'score')),
    category: category === null ? null : DiscrepancyCategory.parse(category),
    note: str(row, 'note'),
    reviewedAt: str(row, 'reviewed_at'),
    reviewer: optStr(row, 'reviewer_name'),
    revealed: Number(row['revealed']) === 1,
    response: optStr(row, 'response'),
    respondedAt: optStr(row, 'responded_at'),
    reviewedUserId: optStr(row, 'reviewed_user_id'),
    reviewerId: str(row, 'reviewer_id'),
    reviewedReportId: str(row, 'reviewed_report_id'),
  };
}

const REVIEW_SELECT = `SELECT q.*, u.display_name AS reviewer_name FROM qa_reviews q
  LEFT JOIN users u ON u.id = q.reviewer_id`;

export function reviewById(db: Db, reviewId: string): ReviewRow | null {
  const row = one(db, `${REVIEW_SELECT} WHERE q.review_id = ?`, reviewId);
  return row ? toReview(row) : null;
}

export function reviewOfItem(db: Db, itemId: string): ReviewRow | null {
  const row = one(db, `${REVIEW_SELECT} WHERE q.item_id = ?`, itemId);
  return row ? toReview(row) : null;
}

export function allReviews(db: Db): ReviewRow[] {
  return all(db, `${REVIEW_SELECT} ORDER BY q.reviewed_at`).map(toReview);
}

export function reviewsOfReader(db: Db, userId: string): ReviewRow[] {
  return all(
    db,
    `${REVIEW_SELECT} WHERE q.reviewed_user_id = ? ORDER BY q.reviewed_at DESC`,
    userId,
  ).map(toReview);
}

export function insertReview(
  db: Db,
  r: {
    itemId: string;
    studyUid: string;
    reviewedReportId: string;
    reviewedUserId: string | null;
    reviewerId: string;
    body: QaReviewRequest;
  },
): string {
  const reviewId = randomUUID();
  run(
    db,
    `INSERT INTO qa_reviews (review_id, item_id, study_uid, reviewed_report_id, reviewed_user_id, reviewer_id,
       score, category, note, reviewed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    reviewId,
    r.itemId,
    r.studyUid,
    r.reviewedReportId,
    r.reviewedUserId,
    r.reviewerId,
    r.body.score,
    r.body.score === '1' ? null : r.body.category,
    r.body.note,
    new Date().toISOString(),
  );
  return reviewId;
}

export function setReviewResponse(db: Db, reviewId: string, text: string): void {
  run(
    db,
    'UPDATE qa_reviews SET response = ?, responded_at = ? WHERE review_id = ?',
    text,
    new Date().toISOString(),
    reviewId,
  );
}

export function revealReview(db: Db, reviewId: string): void {
  run(db, 'UPDATE qa_reviews SET revealed = 1 WHERE review_id = ?', reviewId);
}

/** As the reviewed reader sees it: without the reviewer's name unless an administrator revealed it. */
export function publicReview(r: ReviewRow, showReviewer: boolean): QaReview {
  return {
    reviewId: r.reviewId,
    itemId: r.itemId,
    studyInstanceUid: r.studyInstanceUid,
    score: r.score,
    category: r.category,
    note: r.note,
    reviewedAt: r.reviewedAt,
    reviewer: showReviewer || r.revealed ? r.reviewer : null,
    revealed: r.revealed,
    response: r.response,
    respondedAt: r.respondedAt,
  };
}

export type { ReviewRow };
