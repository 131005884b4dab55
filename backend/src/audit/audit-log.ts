import { createHash } from 'node:crypto';
import { all, one, run, str, transaction, type Db, type Row } from '../db/database.ts';

/**
 * Append-only record of every access to patient data. Rows are only ever inserted (triggers in
 * the schema refuse UPDATE and DELETE); each row carries the SHA-256 of its content and of the
 * previous row's hash, so a removed or edited row breaks the chain.
 */
export interface AuditEntry {
  userId: string | null;
  username: string | null;
  action: string;
  caseId?: string | null;
  studyUid?: string | null;
  workstation: string | null;
  outcome: 'allowed' | 'denied';
  /** a short non-PHI note: a refusal code, a count, a level */
  detail?: string | null;
}

export interface AuditRow extends AuditEntry {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

export class AuditLog {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  append(entry: AuditEntry, at = new Date()): void {
    transaction(this.db, () => {
      const last = one(this.db, 'SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1');
      const prevHash = last ? str(last, 'hash') : GENESIS;
      const row = normalize(entry, at.toISOString());
      const hash = chainHash(prevHash, row);
      run(
        this.db,
        `INSERT INTO audit_log (at, user_id, username, action, case_id, study_uid, workstation, outcome, detail, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        row.at,
        row.userId,
        row.username,
        row.action,
        row.caseId,
        row.studyUid,
        row.workstation,
        row.outcome,
        row.detail,
        prevHash,
        hash,
      );
    });
  }

  /**
   * Recomputes the chain; returns the sequence number of the first broken row, or null if intact.
   * Rows cut from the end leave the chain intact, so the last row must also be the last number
   * SQLite handed out (AUTOINCREMENT's sqlite_sequence); if not, the first missing number is returned.
   */
  verify(): number | null {
    let prev = GENESIS;
    let lastSeq = 0;
    for (const r of all(this.db, 'SELECT * FROM audit_log ORDER BY seq')) {
      const row = fromRow(r);
      if (row.prevHash !== prev || chainHash(prev, row) !== row.hash) return row.seq;
      prev = row.hash;
      lastSeq = row.seq;
    }
    const issued = one(this.db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
    if (issued && Number(issued['seq']) !== lastSeq) return lastSeq + 1;
    return null;
  }
}

type Normalized = {
  at: string;
  userId: string | null;
  username: string | null;
  action: string;
  caseId: string | null;
  studyUid: string | null;
  workstation: string | null;
  outcome: string;
  detail: string | null;
};

function normalize(entry: AuditEntry, at: string): Normalized {
  return {
    at,
    userId: entry.userId,
    username: entry.username,
    action: entry.action,
    caseId: entry.caseId ?? null,
    studyUid: entry.studyUid ?? null,
    workstation: entry.workstation,
    outcome: entry.outcome,
    detail: entry.detail ?? null,
  };
}

function chainHash(prevHash: string, row: Normalized): string {
  const content = JSON.stringify([
    row.at,
    row.userId,
    row.username,
    row.action,
    row.caseId,
    row.studyUid,
    row.workstation,
    row.outcome,
    row.detail,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

function fromRow(r: Row): Normalized & { seq: number; prevHash: string; hash: string } {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    seq: Number(r['seq']),
    at: str(r, 'at'),
    userId: s('user_id'),
    username: s('username'),
    action: str(r, 'action'),
    caseId: s('case_id'),
    studyUid: s('study_uid'),
    workstation: s('workstation'),
    outcome: str(r, 'outcome'),
    detail: s('detail'),
    prevHash: str(r, 'prev_hash'),
    hash: str(r, 'hash'),
  };
}
