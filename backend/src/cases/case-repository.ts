import type { SignedReportSummary } from '../../../shared/domain/case.ts';
import {
  AssignmentKind,
  AssignmentStatus,
  ClinicalContext,
  Priority,
} from '../../../shared/domain/case.ts';
import { all, one, optStr, str, type Db, type Row } from '../db/database.ts';

/** Assignments, reports and QA pairs as stored in SQLite. */
export interface CaseRecord {
  caseId: string;
  studyUid: string;
  kind: AssignmentKind;
  priority: Priority;
  dueAt: string;
  status: AssignmentStatus;
  subspecialty: string;
  assigneeId: string;
  context: ClinicalContext;
  originalReportId: string | null;
}

function toCase(row: Row): CaseRecord {
  return {
    caseId: str(row, 'case_id'),
    studyUid: str(row, 'study_uid'),
    kind: AssignmentKind.parse(str(row, 'kind')),
    priority: Priority.parse(str(row, 'priority')),
    dueAt: str(row, 'due_at'),
    status: AssignmentStatus.parse(str(row, 'status')),
    subspecialty: str(row, 'subspecialty'),
    assigneeId: str(row, 'assignee_id'),
    context: ClinicalContext.parse(JSON.parse(str(row, 'context'))),
    originalReportId: optStr(row, 'original_report_id'),
  };
}

export function getCase(db: Db, caseId: string): CaseRecord | null {
  const row = one(db, 'SELECT * FROM cases WHERE case_id = ?', caseId);
  return row ? toCase(row) : null;
}

/** The user's open assignments (cancelled ones are not work). */
export function casesOfAssignee(db: Db, userId: string): CaseRecord[] {
  return all(db, "SELECT * FROM cases WHERE assignee_id = ? AND status <> 'cancelled'", userId).map(
    toCase,
  );
}

/** Every case that is not cancelled (for the QA reviewer's worklist of cases under review). */
export function openCases(db: Db): CaseRecord[] {
  return all(db, "SELECT * FROM cases WHERE status <> 'cancelled' ORDER BY case_id").map(toCase);
}

function toReport(row: Row): SignedReportSummary {
  return {
    reportId: str(row, 'report_id'),
    studyInstanceUid: str(row, 'study_uid'),
    authorDisplayName: str(row, 'author_display_name'),
    signedAt: str(row, 'signed_at'),
    text: str(row, 'text'),
  };
}

export function getReport(db: Db, reportId: string): SignedReportSummary | null {
  const row = one(db, 'SELECT * FROM reports WHERE report_id = ?', reportId);
  return row ? toReport(row) : null;
}

/** The newest signed report of a study, for showing a prior with its report. */
export function latestReportOfStudy(db: Db, studyUid: string): SignedReportSummary | null {
  const row = one(
    db,
    'SELECT * FROM reports WHERE study_uid = ? ORDER BY signed_at DESC LIMIT 1',
    studyUid,
  );
  return row ? toReport(row) : null;
}

/**
 * The newest report of a prior study, as the reader of `assigneeId` may see it: none while that
 * reader holds a still-blinded second opinion on the same study, which would otherwise reach them
 * (and their cache) as a prior's report before they have signed their own.
 */
export function priorReportFor(
  db: Db,
  assigneeId: string,
  studyUid: string,
): SignedReportSummary | null {
  const blinded = all(
    db,
    "SELECT * FROM cases WHERE assignee_id = ? AND study_uid = ? AND kind = 'second-opinion'",
    assigneeId,
    studyUid,
  )
    .map(toCase)
    .some((c) => !assigneeHasSignedReport(db, c));
  return blinded ? null : latestReportOfStudy(db, studyUid);
}

/** Whether the assignee has signed their own report for this assignment (lifts the blinding). */
export function assigneeHasSignedReport(db: Db, c: CaseRecord): boolean {
  return one(db, 'SELECT 1 AS x FROM reports WHERE case_id = ? LIMIT 1', c.caseId) !== undefined;
}
