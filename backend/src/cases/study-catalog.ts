import type { SeriesSummary, StudySummary } from '../../../shared/domain/case.ts';
import {
  TAG,
  getNumber,
  getString,
  getStrings,
  isoDate,
  type DicomJsonDataset,
} from '../dicom/dicom-json.ts';
import type { DicomStore } from '../dicom/dicom-store.ts';
import type { QidoQuery } from '../dicom/qido-query.ts';

/**
 * Study facts for the worklist and case views, asked of the DICOM store by QIDO-RS (so the same
 * code serves local files and an upstream PACS), with a short cache for the PACS case.
 */
export interface PatientStudy {
  studyUid: string;
  studyDate: string;
  studyTime: string;
}

const INTERNAL_LINKS = { dicomwebBase: '' };
const STUDY_FIELDS = [TAG.StudyDescription, TAG.StudyTime, TAG.AccessionNumber];
const SERIES_FIELDS = [TAG.BodyPartExamined, TAG.Laterality, TAG.ImageLaterality, TAG.ViewPosition];

export class StudyCatalog {
  private readonly store: DicomStore;
  private readonly ttlMs: number;
  private readonly summaries = new Map<
    string,
    { at: number; value: Promise<StudySummary | null> }
  >();
  private readonly patients = new Map<string, { at: number; value: Promise<PatientStudy[]> }>();

  constructor(store: DicomStore, ttlMs: number) {
    this.store = store;
    this.ttlMs = ttlMs;
  }

  invalidate(): void {
    this.summaries.clear();
    this.patients.clear();
  }

  summary(studyUid: string): Promise<StudySummary | null> {
    return cached(this.summaries, studyUid, this.ttlMs, () => this.loadSummary(studyUid));
  }

  /** Every study of the patient, newest first. */
  studiesOfPatient(patientId: string): Promise<PatientStudy[]> {
    return cached(this.patients, patientId, this.ttlMs, async () => {
      if (patientId === '') return [];
      const studies = await this.store.search(
        'studies',
        query([{ tag: TAG.PatientID, kind: 'wildcard', value: patientId }]),
        {},
        null,
        INTERNAL_LINKS,
      );
      return studies
        .map((ds) => ({
          studyUid: getString(ds, TAG.StudyInstanceUID),
          studyDate: getString(ds, TAG.StudyDate),
          studyTime: getString(ds, TAG.StudyTime),
        }))
        .filter((s) => s.studyUid !== '')
        .sort((a, b) => (b.studyDate + b.studyTime).localeCompare(a.studyDate + a.studyTime));
    });
  }

  private async loadSummary(studyUid: string): Promise<StudySummary | null> {
    const [study] = await this.store.search(
      'studies',
      query([{ tag: TAG.StudyInstanceUID, kind: 'uid-list', value: studyUid }], STUDY_FIELDS),
      {},
      null,
      INTERNAL_LINKS,
    );
    if (!study) return null;
    const series = await this.store.search(
      'series',
      query([], SERIES_FIELDS),
      { studyUid },
      null,
      INTERNAL_LINKS,
    );
    return toStudySummary(studyUid, study, series);
  }
}

function query(filters: QidoQuery['filters'], includeFields: string[] = []): QidoQuery {
  return { filters, limit: null, offset: 0, includeAll: false, includeFields };
}

function cached<T>(
  map: Map<string, { at: number; value: Promise<T> }>,
  key: string,
  ttlMs: number,
  load: () => Promise<T>,
): Promise<T> {
  const now = Date.now();
  const hit = map.get(key);
  if (hit && now - hit.at < ttlMs) return hit.value;
  const value = load();
  if (ttlMs > 0) {
    map.set(key, { at: now, value });
    value.catch(() => map.delete(key));
    if (map.size > 5000) map.clear();
  }
  return value;
}

const cut = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/** Missing study dates are shown as this placeholder (the contract needs a date). */
const UNKNOWN_DATE = '1900-01-01';

export function toStudySummary(
  studyUid: string,
  study: DicomJsonDataset,
  series: DicomJsonDataset[],
): StudySummary {
  const seriesSummaries: SeriesSummary[] = series
    .map((s) => {
      const summary: SeriesSummary = {
        seriesInstanceUid: getString(s, TAG.SeriesInstanceUID),
        seriesNumber: integerOrNull(getNumber(s, TAG.SeriesNumber)),
        modality: cut(getString(s, TAG.Modality), 16),
        description: cut(getString(s, TAG.SeriesDescription), 200),
        numberOfInstances: Math.max(
          0,
          Math.trunc(getNumber(s, TAG.NumberOfSeriesRelatedInstances) ?? 0),
        ),
      };
      const bodyPart = getString(s, TAG.BodyPartExamined);
      const laterality = getString(s, TAG.Laterality) || getString(s, TAG.ImageLaterality);
      const viewPosition = getString(s, TAG.ViewPosition);
      if (bodyPart) summary.bodyPart = cut(bodyPart, 64);
      if (laterality) summary.laterality = cut(laterality, 4);
      if (viewPosition) summary.viewPosition = cut(viewPosition, 16);
      return summary;
    })
    .filter((s) => s.seriesInstanceUid !== '')
    .sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));

  const modalities = [
    ...new Set(
      [
        ...getStrings(study, TAG.ModalitiesInStudy),
        ...seriesSummaries.map((s) => s.modality),
      ].filter(Boolean),
    ),
  ].sort();
  const instances =
    getNumber(study, TAG.NumberOfStudyRelatedInstances) ??
    seriesSummaries.reduce((n, s) => n + s.numberOfInstances, 0);
  const studyTime = getString(study, TAG.StudyTime);
  return {
    studyInstanceUid: studyUid,
    accessionNumber: cut(getString(study, TAG.AccessionNumber), 64),
    studyDate: isoDate(getString(study, TAG.StudyDate)) ?? UNKNOWN_DATE,
    ...(studyTime ? { studyTime: cut(studyTime, 16) } : {}),
    description: cut(getString(study, TAG.StudyDescription), 200),
    modalities: modalities.map((m) => cut(m, 16)),
    bodyPart: cut(
      seriesSummaries.find((s) => s.bodyPart)?.bodyPart ?? getString(study, TAG.BodyPartExamined),
      64,
    ),
    patientId: cut(getString(study, TAG.PatientID), 64),
    patientName: cut(getString(study, TAG.PatientName), 200),
    numberOfInstances: Math.max(0, Math.trunc(instances)),
    series: seriesSummaries,
  };
}

function integerOrNull(n: number | null): number | null {
  return n === null ? null : Math.trunc(n);
}
