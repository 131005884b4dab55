import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SignedReport } from '../../../shared/report/document.ts';
import {
  buildStructuredReport,
  measuredInstances,
  type SrStudy,
} from '../../../shared/report/sr.ts';
import type { ReportTemplate } from '../../../shared/report/template.ts';
import type { AppServices } from '../app-services.ts';
import { readDicomHeader } from '../dicom/dicom-header.ts';
import { getString, TAG } from '../dicom/dicom-json.ts';
import type { QidoQuery } from '../dicom/qido-query.ts';
import { getCase } from '../cases/case-repository.ts';
import { reportsAwaitingSr, setSrState } from './report-repository.ts';

/**
 * After a report is stored: writes its DICOM SR and stores it where the images live (the local
 * store, or the PACS by STOW-RS in `--dicomweb` mode). A failure leaves the report accepted with
 * its SR marked failed; the report itself is never lost because the PACS is down.
 */
export type SrResult =
  | { status: 'stored'; sopInstanceUid: string; seriesInstanceUid: string }
  | { status: 'failed'; reason: string };

const INTERNAL_LINKS = { dicomwebBase: '' };

function query(filters: QidoQuery['filters'], includeFields: string[]): QidoQuery {
  return { filters, limit: null, offset: 0, includeAll: false, includeFields };
}

async function studyFacts(
  services: AppServices,
  studyUid: string,
  sex: string,
  referring: string,
): Promise<SrStudy> {
  const [study] = await services.store.search(
    'studies',
    query(
      [{ tag: TAG.StudyInstanceUID, kind: 'uid-list', value: studyUid }],
      [
        TAG.PatientBirthDate,
        TAG.PatientSex,
        TAG.StudyID,
        TAG.ReferringPhysicianName,
        TAG.StudyTime,
      ],
    ),
    {},
    null,
    INTERNAL_LINKS,
  );
  const s = study ?? {};
  return {
    studyInstanceUid: studyUid,
    patientName: getString(s, TAG.PatientName),
    patientId: getString(s, TAG.PatientID),
    patientBirthDate: getString(s, TAG.PatientBirthDate),
    patientSex: getString(s, TAG.PatientSex) || sex,
    accessionNumber: getString(s, TAG.AccessionNumber),
    studyDate: getString(s, TAG.StudyDate),
    studyTime: getString(s, TAG.StudyTime),
    studyId: getString(s, TAG.StudyID),
    referringPhysicianName: getString(s, TAG.ReferringPhysicianName) || referring,
  };
}

async function sopClasses(
  services: AppServices,
  signed: SignedReport,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ref of measuredInstances(signed)) {
    const [found] = await services.store.search(
      'instances',
      query(
        [{ tag: TAG.SOPInstanceUID, kind: 'uid-list', value: ref.sopInstanceUid }],
        [TAG.SOPClassUID],
      ),
      { studyUid: ref.studyInstanceUid, seriesUid: ref.seriesInstanceUid },
      null,
      INTERNAL_LINKS,
    );
    const sopClass = found ? getString(found, TAG.SOPClassUID) : '';
    if (sopClass) out.set(ref.sopInstanceUid, sopClass);
  }
  return out;
}

export async function deliverStructuredReport(
  services: AppServices,
  input: {
    signed: SignedReport;
    template: ReportTemplate;
    studyUid: string;
    patientSex: string;
    referringPhysician: string;
  },
): Promise<SrResult> {
  const reportId = input.signed.document.reportId;
  const tmp = path.join(services.options.dataDir, 'tmp', `sr-${randomBytes(8).toString('hex')}`);
  try {
    const sr = await buildStructuredReport({
      signed: input.signed,
      template: input.template,
      study: await studyFacts(services, input.studyUid, input.patientSex, input.referringPhysician),
      sopClassOf: await sopClasses(services, input.signed),
      softwareVersion: services.version,
    });
    await mkdir(tmp, { recursive: true });
    const file = path.join(tmp, 'sr.dcm');
    await writeFile(file, sr.bytes);
    const header = await readDicomHeader(file);
    const [outcome] = await services.store.store(
      [{ path: file, size: sr.bytes.byteLength, header }],
      INTERNAL_LINKS,
    );
    services.storeChanged();
    if (!outcome?.ok) {
      const reason = outcome
        ? `stow-failure-${outcome.failureReason.toString(16)}`
        : 'stow-no-answer';
      setSrState(services.db, reportId, { status: 'failed', seriesUid: null, sopUid: null });
      return { status: 'failed', reason };
    }
    setSrState(services.db, reportId, {
      status: 'stored',
      seriesUid: sr.seriesInstanceUid,
      sopUid: sr.sopInstanceUid,
    });
    return {
      status: 'stored',
      sopInstanceUid: sr.sopInstanceUid,
      seriesInstanceUid: sr.seriesInstanceUid,
    };
  } catch (err) {
    setSrState(services.db, reportId, { status: 'failed', seriesUid: null, sopUid: null });
    return { status: 'failed', reason: err instanceof Error ? err.name : 'unknown' };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const retrying = new WeakSet<AppServices>();

/**
 * Delivers the SRs that did not reach the store (PACS down, backend stopped mid-way). Runs at
 * start-up and after each accepted report; one run at a time per backend. Returns how many were
 * stored.
 */
export async function retryAwaitingSrs(
  services: AppServices,
  templates: ReadonlyMap<string, ReportTemplate>,
  staleMs = 60_000,
): Promise<number> {
  if (retrying.has(services)) return 0;
  retrying.add(services);
  let stored = 0;
  try {
    for (const { signed, studyUid } of reportsAwaitingSr(services.db, new Date(), staleMs)) {
      const template = templates.get(signed.document.content.templateId);
      const c = getCase(services.db, signed.document.caseId);
      if (!template || !c) continue;
      const result = await deliverStructuredReport(services, {
        signed,
        template,
        studyUid,
        patientSex: c.context.patientSex,
        referringPhysician: c.context.referringPhysician,
      });
      services.audit.append({
        userId: null,
        username: null,
        action: 'report.sr-store',
        caseId: c.caseId,
        studyUid,
        workstation: null,
        outcome: result.status === 'stored' ? 'allowed' : 'denied',
        detail: result.status === 'stored' ? 'stored-on-retry' : result.reason,
      });
      if (result.status === 'stored') stored++;
      else break; // the store is still failing: try again later
    }
  } finally {
    retrying.delete(services);
  }
  return stored;
}
