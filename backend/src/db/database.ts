import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

/**
 * The backend's state: one SQLite file in the data directory, opened with the built-in
 * `node:sqlite` (no native addon). Schema changes are numbered steps applied in order.
 */
export type Db = DatabaseSync;
export type Row = Record<string, unknown>;

const MIGRATIONS: string[] = [
  // 1: users, sessions, cases, reports, audit, DICOM index
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    subspecialties TEXT NOT NULL,
    password_hash TEXT NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE patients (
    patient_id TEXT PRIMARY KEY,
    patient_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL
  );
  CREATE TABLE reports (
    report_id TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL,
    case_id TEXT,
    author TEXT NOT NULL,
    author_display_name TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX reports_study ON reports(study_uid);
  CREATE INDEX reports_case ON reports(case_id);
  CREATE TABLE cases (
    case_id TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    priority TEXT NOT NULL,
    due_at TEXT NOT NULL,
    status TEXT NOT NULL,
    subspecialty TEXT NOT NULL,
    assignee_id TEXT NOT NULL REFERENCES users(id),
    context TEXT NOT NULL,
    original_report_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX cases_assignee ON cases(assignee_id);
  CREATE TABLE discordant_pairs (
    pair_id TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL,
    first_report_id TEXT NOT NULL,
    second_report_id TEXT NOT NULL,
    seeded_differences TEXT NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id TEXT,
    username TEXT,
    action TEXT NOT NULL,
    case_id TEXT,
    study_uid TEXT,
    workstation TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

  CREATE TABLE dicom_studies (
    study_uid TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL,
    patient_name TEXT NOT NULL,
    patient_birth_date TEXT NOT NULL,
    patient_sex TEXT NOT NULL,
    study_date TEXT NOT NULL,
    study_time TEXT NOT NULL,
    accession_number TEXT NOT NULL,
    study_description TEXT NOT NULL,
    study_id TEXT NOT NULL,
    referring_physician TEXT NOT NULL
  );
  CREATE INDEX dicom_studies_patient ON dicom_studies(patient_id);
  CREATE TABLE dicom_series (
    series_uid TEXT PRIMARY KEY,
    study_uid TEXT NOT NULL,
    modality TEXT NOT NULL,
    series_number INTEGER,
    series_description TEXT NOT NULL,
    body_part TEXT NOT NULL
  );
  CREATE INDEX dicom_series_study ON dicom_series(study_uid);
  CREATE TABLE dicom_instances (
    sop_uid TEXT PRIMARY KEY,
    series_uid TEXT NOT NULL,
    study_uid TEXT NOT NULL,
    sop_class_uid TEXT NOT NULL,
    instance_number INTEGER,
    transfer_syntax TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    meta_json TEXT NOT NULL
  );
  CREATE INDEX dicom_instances_series ON dicom_instances(series_uid, instance_number);
  CREATE INDEX dicom_instances_study ON dicom_instances(study_uid);
  CREATE UNIQUE INDEX dicom_instances_path ON dicom_instances(path);
  `,
  // 2: workstation keys, signed report submissions (idempotency), signed report columns, SR state
  `
  CREATE TABLE workstation_keys (
    key_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX workstation_keys_user ON workstation_keys(user_id);
  ALTER TABLE reports ADD COLUMN author_id TEXT;
  ALTER TABLE reports ADD COLUMN hash TEXT;
  ALTER TABLE reports ADD COLUMN signature TEXT;
  ALTER TABLE reports ADD COLUMN key_id TEXT;
  ALTER TABLE reports ADD COLUMN amends TEXT;
  ALTER TABLE reports ADD COLUMN signed_json TEXT;
  ALTER TABLE reports ADD COLUMN received_at TEXT;
  ALTER TABLE reports ADD COLUMN sr_status TEXT;
  ALTER TABLE reports ADD COLUMN sr_series_uid TEXT;
  ALTER TABLE reports ADD COLUMN sr_sop_uid TEXT;
  CREATE UNIQUE INDEX reports_signature ON reports(signature) WHERE signature IS NOT NULL;
  CREATE UNIQUE INDEX reports_hash ON reports(hash) WHERE hash IS NOT NULL;
  CREATE TABLE report_submissions (
    user_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    report_id TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
  );
  `,
];

export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  db.exec('PRAGMA busy_timeout = 5000;');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as Row)['user_version'] ?? 0);
  for (let i = version; i < MIGRATIONS.length; i++) {
    transaction(db, () => {
      db.exec(MIGRATIONS[i]!);
      db.exec(`PRAGMA user_version = ${i + 1}`);
    });
  }
}

/** Runs fn inside BEGIN IMMEDIATE … COMMIT, rolling back on a throw. */
export function transaction<T>(db: Db, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

const statements = new WeakMap<Db, Map<string, StatementSync>>();

/** Prepared statements are cached per database: the hot paths (WADO, audit) reuse them. */
function stmt(db: Db, sql: string): StatementSync {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    if (cache.size < 500) cache.set(sql, s);
  }
  return s;
}

export function all(db: Db, sql: string, ...params: SQLInputValue[]): Row[] {
  return stmt(db, sql).all(...params) as Row[];
}

export function one(db: Db, sql: string, ...params: SQLInputValue[]): Row | undefined {
  return stmt(db, sql).get(...params) as Row | undefined;
}

export function run(db: Db, sql: string, ...params: SQLInputValue[]): void {
  stmt(db, sql).run(...params);
}

export function str(row: Row, key: string): string {
  const v = row[key];
  return v === null || v === undefined ? '' : String(v);
}

export function optStr(row: Row, key: string): string | null {
  const v = row[key];
  return v === null || v === undefined ? null : String(v);
}

export function num(row: Row, key: string): number {
  return Number(row[key] ?? 0);
}
