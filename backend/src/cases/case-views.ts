import type { CaseDetail, WorklistItem } from '../../../shared/api/contract.ts';
import type { PriorStudy, Priority, StudySummary } from '../../../shared/domain/case.ts';
import { one, str, type Db } from '../db/database.ts';
import { getReport, priorReportFor, type CaseRecord } from './case-repository.ts';
import type { StudyCatalog } from './study-catalog.ts';

/** Builds the worklist rows and case details the contract describes from cases and study facts. */

const PRIORITY_ORDER: Record<Priority, number> = { stat: 0, urgent: 1, routine: 2 };

export function compareWorklist(a: WorklistItem, b: WorklistItem): number {
  return (
    PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
    Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
    a.caseId.localeCompare(b.caseId)
  );
}

/** The case's study as the archive knows it, or a stand-in from the case when it has no images yet. */
async function studyOfCase(db: Db, catalog: StudyCatalog, c: CaseRecord): Promise<StudySummary> {
  const found = await catalog.summary(c.studyUid);
  if (found) return found;
  const patient = one(
    db,
    'SELECT * FROM patients WHERE patient_id = (SELECT patient_id FROM cases WHERE case_id = ?)',
    c.caseId,
  );
  return {
    studyInstanceUid: c.studyUid,
    accessionNumber: '',
    studyDate: c.context.examDate,
    description: '',
    modalities: [],
    bodyPart: '',
    patientId: patient ? str(patient, 'patient_id') : '',
    patientName: patient ? str(patient, 'patient_name') : '',
    numberOfInstances: 0,
    series: [],
  };
}

async function priorUidsOf(catalog: StudyCatalog, study: StudySummary): Promise<string[]> {
  if (!study.patientId) return [];
  const studies = await catalog.studiesOfPatient(study.patientId);
  return studies.map((s) => s.studyUid).filter((uid) => uid !== study.studyInstanceUid);
}

export async function worklistItem(
  db: Db,
  catalog: StudyCatalog,
  c: CaseRecord,
): Promise<WorklistItem> {
  const study = await studyOfCase(db, catalog, c);
  const priors = await priorUidsOf(catalog, study);
  return {
    caseId: c.caseId,
    kind: c.kind,
    priority: c.priority,
    dueAt: c.dueAt,
    status: c.status,
    subspecialty: c.subspecialty,
    studyInstanceUid: c.studyUid,
    accessionNumber: study.accessionNumber,
    studyDate: study.studyDate,
    description: study.description,
    modalities: study.modalities,
    bodyPart: study.bodyPart,
    patientName: study.patientName,
    patientId: study.patientId,
    numberOfInstances: study.numberOfInstances,
    numberOfPriors: priors.length,
  };
}

export async function caseDetail(
  db: Db,
  catalog: StudyCatalog,
  c: CaseRecord,
): Promise<CaseDetail> {
  const study = await studyOfCase(db, catalog, c);
  const priorUids = await priorUidsOf(catalog, study);
  const priors: PriorStudy[] = [];
  for (const uid of priorUids) {
    const summary = await catalog.summary(uid);
    if (summary) priors.push({ ...summary, report: priorReportFor(db, c.assigneeId, uid) });
  }
  // Newest first (studiesOfPatient is already ordered; summaries keep the order).
  return {
    caseId: c.caseId,
    kind: c.kind,
    priority: c.priority,
    dueAt: c.dueAt,
    status: c.status,
    subspecialty: c.subspecialty,
    context: c.context,
    study,
    priors,
    hasOriginalReport:
      c.kind !== 'first-read' &&
      c.originalReportId !== null &&
      getReport(db, c.originalReportId) !== null,
  };
}

/**
 * A case detail narrowed to some of its studies (what a QA reviewer may see): the case's own
 * study when it is among them, else the newest of them in its place; priors only among them.
 */
export function scopedToStudies(detail: CaseDetail, scope: ReadonlySet<string>): CaseDetail {
  const priors = detail.priors.filter((p) => scope.has(p.studyInstanceUid));
  const [first, ...rest] = priors;
  if (scope.has(detail.study.studyInstanceUid) || !first) return { ...detail, priors };
  const { report: _report, ...study } = first;
  return { ...detail, study, priors: rest };
}

/**
 * A QA reviewer's worklist row of a case under review: the case seen through its studies under
 * review (as `scopedToStudies`), marked reported — the read is done — so the workstation brings
 * its images only when the reviewer opens it.
 */
export function scopedWorklistItem(item: WorklistItem, detail: CaseDetail): WorklistItem {
  const s = detail.study;
  return {
    ...item,
    status: 'reported',
    studyInstanceUid: s.studyInstanceUid,
    accessionNumber: s.accessionNumber,
    studyDate: s.studyDate,
    description: s.description,
    modalities: s.modalities,
    bodyPart: s.bodyPart,
    numberOfInstances: s.numberOfInstances,
    numberOfPriors: detail.priors.length,
  };
}
