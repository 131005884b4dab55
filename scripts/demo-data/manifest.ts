import type { DemoManifest } from '../../shared/domain/demo-seed.ts';
import { REPORTS } from './reports.ts';
import { ageAt } from './study-plan.ts';
import type { StudyPlan } from './study-plan.ts';
import { CASES, DISCORDANT_PAIRS } from './worklist.ts';

/** The manifest the backend seeds from: patients, studies, reports, cases and QA pairs. */
export function buildManifest(catalog: StudyPlan[], generatorVersion: string): DemoManifest {
  const byKey = new Map(catalog.map((s) => [s.key, s]));
  const studyOf = (key: string): StudyPlan => {
    const s = byKey.get(key);
    if (!s) throw new Error(`demo data: no study '${key}' in the catalog`);
    return s;
  };
  const reportIds = new Set(REPORTS.map((r) => r.reportId));
  const reportStudy = new Map(REPORTS.map((r) => [r.reportId, r.study]));
  const checkReport = (id: string, study: string) => {
    if (!reportIds.has(id)) throw new Error(`demo data: no report '${id}'`);
    if (reportStudy.get(id) !== study)
      throw new Error(`demo data: report '${id}' is not of study '${study}'`);
  };
  const patients = new Map<string, DemoManifest['patients'][number]>();
  for (const s of catalog) {
    const p = s.patient;
    patients.set(p.patientId, {
      patientId: p.patientId,
      patientName: p.dicomName,
      birthDate: p.birthDate,
      sex: p.sex,
    });
  }
  return {
    generatorVersion,
    patients: [...patients.values()],
    studies: catalog.map((s) => ({
      studyInstanceUid: s.uid,
      patientId: s.patient.patientId,
      description: s.description,
      studyDate: s.date,
      transferSyntaxUid: s.transferSyntax,
      instanceCount: s.series.reduce((n, r) => n + r.count, 0),
    })),
    reports: REPORTS.map((r) => ({
      reportId: r.reportId,
      studyInstanceUid: studyOf(r.study).uid,
      author: r.authorDisplayName,
      authorDisplayName: r.authorDisplayName,
      signedAt: r.signedAt,
      text: r.text,
    })),
    cases: CASES.map((c) => {
      const s = studyOf(c.study);
      if (c.originalReportId) checkReport(c.originalReportId, c.study);
      return {
        caseId: c.caseId,
        studyInstanceUid: s.uid,
        kind: c.kind,
        priority: c.priority,
        dueInMinutes: c.dueInMinutes,
        subspecialty: c.subspecialty,
        assignee: c.assignee,
        context: {
          patientAge: ageAt(s.patient.birthDate, s.date),
          patientSex: s.patient.sex,
          reasonForExam: c.reasonForExam,
          ...(c.diagnosis ? { diagnosis: c.diagnosis } : {}),
          history: c.history,
          examDate: s.date,
          referringPhysician: s.referrer.displayName,
        },
        ...(c.originalReportId ? { originalReportId: c.originalReportId } : {}),
      };
    }),
    discordantPairs: DISCORDANT_PAIRS.map((p) => {
      checkReport(p.firstReportId, p.study);
      checkReport(p.secondReportId, p.study);
      return {
        pairId: p.pairId,
        studyInstanceUid: studyOf(p.study).uid,
        firstReportId: p.firstReportId,
        secondReportId: p.secondReportId,
        seededDifferences: p.seededDifferences,
      };
    }),
  };
}
