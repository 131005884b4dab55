import type { CaseDetail, WorklistItem } from '../../api/contract.ts';
import type { AssignmentStatus, Priority, PriorStudy, StudySummary } from '../../domain/case.ts';
import type { RemoteInstance } from '../ports.ts';

/** Small, readable descriptions of cases for tests, turned into the backend's real shapes. */
export interface SeriesSpec {
  uid: string;
  count: number;
  number?: number;
}

export interface StudySpec {
  uid: string;
  description?: string;
  series: SeriesSpec[];
}

export interface CaseSpec {
  caseId: string;
  priority?: Priority;
  dueAt?: string;
  status?: AssignmentStatus;
  study: StudySpec;
  priors?: StudySpec[];
}

export function instancesOf(study: StudySpec): RemoteInstance[] {
  return study.series.flatMap((s) =>
    Array.from({ length: s.count }, (_, i) => ({
      studyInstanceUid: study.uid,
      seriesInstanceUid: s.uid,
      sopInstanceUid: `${s.uid}.${i + 1}`,
      instanceNumber: i + 1,
    })),
  );
}

function summary(study: StudySpec): StudySummary {
  return {
    studyInstanceUid: study.uid,
    accessionNumber: `ACC${study.uid.replaceAll('.', '').slice(-6)}`,
    studyDate: '2026-02-01',
    description: study.description ?? 'CT CHEST',
    modalities: ['CT'],
    bodyPart: 'CHEST',
    patientId: 'TEST-1',
    patientName: 'TEST^PATIENT',
    numberOfInstances: study.series.reduce((n, s) => n + s.count, 0),
    series: study.series.map((s, i) => ({
      seriesInstanceUid: s.uid,
      seriesNumber: s.number ?? i + 1,
      modality: 'CT',
      description: `Series ${s.number ?? i + 1}`,
      numberOfInstances: s.count,
    })),
  };
}

export function worklistItem(spec: CaseSpec): WorklistItem {
  const s = summary(spec.study);
  return {
    caseId: spec.caseId,
    kind: 'first-read',
    priority: spec.priority ?? 'routine',
    dueAt: spec.dueAt ?? '2026-03-02T18:00:00Z',
    status: spec.status ?? 'assigned',
    subspecialty: 'chest',
    studyInstanceUid: spec.study.uid,
    accessionNumber: s.accessionNumber,
    studyDate: s.studyDate,
    description: s.description,
    modalities: s.modalities,
    bodyPart: s.bodyPart,
    patientName: s.patientName,
    patientId: s.patientId,
    numberOfInstances: s.numberOfInstances,
    numberOfPriors: spec.priors?.length ?? 0,
  };
}

export function caseDetail(spec: CaseSpec): CaseDetail {
  const item = worklistItem(spec);
  const priors: PriorStudy[] = (spec.priors ?? []).map((p) => ({
    ...summary(p),
    report: {
      reportId: `R-${p.uid}`,
      studyInstanceUid: p.uid,
      authorDisplayName: 'Dr Prior',
      signedAt: '2025-01-01T10:00:00Z',
      text: 'No acute findings.',
    },
  }));
  return {
    caseId: item.caseId,
    kind: item.kind,
    priority: item.priority,
    dueAt: item.dueAt,
    status: item.status,
    subspecialty: item.subspecialty,
    context: {
      patientAge: '064Y',
      patientSex: 'F',
      reasonForExam: 'cough',
      history: 'none',
      examDate: '2026-02-01',
      referringPhysician: 'Dr Referrer',
    },
    study: summary(spec.study),
    priors,
    hasOriginalReport: false,
  };
}
