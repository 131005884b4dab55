import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../shared/api/client.ts';
import type { ReportResponse } from '../../shared/api/contract.ts';
import { renderReportText, type ReportContent } from '../../shared/report/document.ts';
import { srUids } from '../../shared/report/sr.ts';
import { ctChestContent, measurement } from '../../shared/report/test-support/report-fixtures.ts';
import type { FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import { bearer, DEMO_PASSWORD } from '../test-support/http-client.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import { startBackend, type BackendProcess } from '../test-support/processes.ts';
import {
  dsrdump,
  postReport,
  readerAt,
  shippedTemplates,
  signAs,
  type Reader,
} from './report-helpers.ts';

const templates = shippedTemplates();
let backend: BackendProcess;
let fixture: FixtureDemoCache;
let started: FixtureBackend | undefined;
let r1: Reader;
let r2: Reader;

beforeAll(async () => {
  started = await startFixtureBackend();
  ({ backend, fixture } = started);
  [r1, r2] = await Promise.all([
    readerAt(backend.url, 'radiologist1'),
    readerAt(backend.url, 'radiologist2'),
  ]);
}, 60_000);

afterAll(async () => {
  await started?.stop();
});

function sql(query: string, ...params: string[]): Array<Record<string, unknown>> {
  const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'), { readOnly: true });
  try {
    return db.prepare(query).all(...params) as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** A complete CT chest report on the STAT case, measured on two of its real images. */
function ctChestCase(): ReportContent {
  const [a, b] = fixture.studies.ctChest.instances;
  const at = (i: typeof a) => ({
    studyInstanceUid: i!.studyUid,
    seriesInstanceUid: i!.seriesUid,
    sopInstanceUid: i!.sopUid,
  });
  return ctChestContent('case-ct-chest-stat', [
    measurement({ annotationId: 'a1', caseId: 'case-ct-chest-stat', ...at(a) }),
    measurement({
      annotationId: 'a2',
      caseId: 'case-ct-chest-stat',
      kind: 'ellipse',
      label: 'Liver dome',
      imageIndex: 1,
      values: [
        { name: 'area', value: 153.94, unit: 'mm2' },
        { name: 'mean', value: 48.2, unit: "[hnsf'U]" },
      ],
      ...at(b),
    }),
  ]);
}

function genericContent(
  caseId: string,
  findings: string,
  impression = 'See findings.',
): ReportContent {
  return {
    templateId: 'generic',
    templateVersion: '1.0',
    caseId,
    values: { findings },
    measurements: [],
    impression,
    critical: null,
  };
}

describe('signed report delivery', () => {
  let reportId: string;

  it('stores a signed report once: a retry with the same idempotency key gets the same answer and no second row', async () => {
    const content = ctChestCase();
    const signed = await signAs(r1, content);
    const first = await r1.client.submitReport(signed, 'idem-ct-chest-0001');
    const again = await r1.client.submitReport(signed, 'idem-ct-chest-0001');
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      reportId: signed.document.reportId,
      hash: signed.hash,
      caseId: 'case-ct-chest-stat',
    });
    reportId = first.reportId;
    expect(
      sql('SELECT report_id FROM reports WHERE case_id = ?', 'case-ct-chest-stat'),
    ).toHaveLength(1);

    const { report } = await r1.client.getReport(reportId);
    expect(report.text).toBe(renderReportText(content, templates.get('ct-chest')!));
    expect(report.signed).toEqual(signed);
    expect(report.sr.status).toBe('stored');

    const detail = await r1.client.caseDetail('case-ct-chest-stat');
    expect(detail.status).toBe('reported');
    expect(detail.signedReports?.map((r) => r.reportId)).toEqual([reportId]);

    const audit = sql(
      "SELECT detail, outcome FROM audit_log WHERE action = 'report.submit' AND case_id = ?",
      'case-ct-chest-stat',
    );
    expect(audit).toEqual([
      { detail: 'report', outcome: 'allowed' },
      { detail: 'repeat', outcome: 'allowed' },
    ]);
  });

  it('writes the SR into the DICOM store with the report text and the measurement values (dsrdump)', async () => {
    const { report } = await r1.client.getReport(reportId);
    const study = fixture.studies.ctChest.studyUid;
    const file = path.join(
      backend.dataDir,
      'dicom',
      study,
      report.sr.seriesInstanceUid!,
      `${report.sr.sopInstanceUid!}.dcm`,
    );
    expect(existsSync(file)).toBe(true);
    const dump = dsrdump(file);
    expect(dump.problems).toEqual([]);
    expect(dump.status).toBe(0);
    expect(dump.text).toContain('Lungs and airways: Solid nodule in the right upper lobe.');
    expect(dump.text).toContain('Solitary solid pulmonary nodule, 12.4 mm, grown since the prior.');
    expect(dump.text).toMatch(/"12\.4" \(mm,UCUM,"mm"\)/);
    expect(dump.text).toMatch(/"153\.94" \(mm2,UCUM,"mm²"\)/);
    expect(dump.text).toContain(`(CT image,"${fixture.studies.ctChest.instances[0]!.sopUid}")`);
    // and the archive lists it as an SR series of the study
    const series = await fetch(`${backend.url}/dicom-web/studies/${study}/series?Modality=SR`, {
      headers: bearer(r1.token),
    });
    expect(((await series.json()) as unknown[]).length).toBe(1);
  });

  it('refuses a report with one changed character (422) and a replay under another idempotency key (409)', async () => {
    const signed = await signAs(r1, genericContent('case-cr-chest-followup', 'Clear lungs.'));
    const tampered = JSON.parse(JSON.stringify(signed).replace('Clear lungs.', 'Clear lungs!'));
    const bad = await postReport(backend.url, r1.token, tampered, 'idem-tampered-0001');
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: 'report-tampered' } });

    const ok = await postReport(backend.url, r1.token, signed, 'idem-followup-0001');
    expect(ok.status).toBe(200);
    const replay = await postReport(backend.url, r1.token, signed, 'idem-followup-0002');
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ error: { code: 'report-replayed' } });
    // the same key with another body is not a retry
    const reused = await postReport(backend.url, r1.token, tampered, 'idem-followup-0001');
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'idempotency-key-reused' } });
    expect(
      sql('SELECT report_id FROM reports WHERE case_id = ?', 'case-cr-chest-followup'),
    ).toHaveLength(1);
    const denied = sql(
      "SELECT detail FROM audit_log WHERE action = 'report.submit' AND outcome = 'denied'",
    ).map((r) => r['detail']);
    expect(denied).toEqual(
      expect.arrayContaining(['report-tampered', 'report-replayed', 'idempotency-key-reused']),
    );
  });

  it('tells the author which idempotency key a report was received under, and nobody else', async () => {
    // an addendum to the report of the test before, delivered as the outbox delivers
    const [reported] = sql('SELECT hash FROM reports WHERE case_id = ?', 'case-cr-chest-followup');
    const signed = await signAs(
      r1,
      genericContent('case-cr-chest-followup', 'Clear lungs; addendum.'),
      {
        amends: String(reported!['hash']),
      },
    );
    await r1.client.submitReport(signed, 'idem-outbox-409-own');
    // the author learns the key the report was received under; nobody else does
    const { report } = await r1.client.getReport(signed.document.reportId);
    expect(report.idempotencyKey).toBe('idem-outbox-409-own');
    const qa = await new ApiClient({ baseUrl: backend.url, fetch: (u, i) => fetch(u, i) }).login({
      username: 'qa1',
      password: DEMO_PASSWORD,
    });
    const asQa = await fetch(`${backend.url}/api/reports/${signed.document.reportId}`, {
      headers: bearer(qa.token),
    });
    expect(asQa.status).toBe(200);
    expect(((await asQa.json()) as ReportResponse).report).not.toHaveProperty('idempotencyKey');

    // what the outbox's settleReplay reads: the same key repeats (200); another key is a 409
    // whose report the author reads back with the key it was really received under
    expect((await postReport(backend.url, r1.token, signed, 'idem-outbox-409-own')).status).toBe(
      200,
    );
    const other = await postReport(backend.url, r1.token, signed, 'idem-outbox-409-other');
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'report-replayed' } });
    expect((await r1.client.getReport(signed.document.reportId)).report).toMatchObject({
      idempotencyKey: 'idem-outbox-409-own',
      hash: signed.hash,
      signed: { signature: signed.signature },
    });
    expect(
      sql('SELECT report_id FROM reports WHERE case_id = ?', 'case-cr-chest-followup'),
    ).toHaveLength(2);
  });

  it('accepts reports only from their signed-in, assigned author with an enrolled key', async () => {
    // radiologist2 sends radiologist1's report
    const byR1 = await signAs(r1, genericContent('case-cr-hand-urgent', 'No fracture.'));
    expect((await postReport(backend.url, r2.token, byR1, 'idem-not-author-1')).body).toMatchObject(
      { error: { code: 'not-author' } },
    );
    // radiologist2 reports a case assigned to radiologist1
    const notAssigned = await postReport(
      backend.url,
      r2.token,
      await signAs(r2, genericContent('case-cr-hand-urgent', 'x')),
      'idem-not-assigned-1',
    );
    expect(notAssigned.status).toBe(403);
    expect(notAssigned.body).toMatchObject({ error: { code: 'not-assigned' } });
    // a key radiologist1 never enrolled
    const foreignKey = await signAs(r1, genericContent('case-cr-hand-urgent', 'No fracture.'), {
      keyId: r2.keyId,
    });
    expect(
      (await postReport(backend.url, r1.token, foreignKey, 'idem-foreign-key-1')).body,
    ).toMatchObject({ error: { code: 'unknown-workstation-key' } });
    // a QA reviewer does not sign reports
    const qa = await new (await import('../../shared/api/client.ts')).ApiClient({
      baseUrl: backend.url,
      fetch: (u, i) => fetch(u, i),
    }).login({ username: 'qa1', password: 'tandem-demo' });
    const byQa = await postReport(backend.url, qa.token, byR1, 'idem-qa-000001');
    expect(byQa.status).toBe(403);
    // an incomplete report is refused even when correctly signed
    const incomplete = await postReport(
      backend.url,
      r1.token,
      await signAs(r1, genericContent('case-cr-hand-urgent', '')),
      'idem-incomplete-1',
    );
    expect(incomplete.status).toBe(422);
    expect(incomplete.body).toMatchObject({ error: { code: 'report-incomplete' } });
    // no idempotency key
    expect((await postReport(backend.url, r1.token, byR1, '')).status).toBe(400);
    expect(
      sql('SELECT report_id FROM reports WHERE case_id = ?', 'case-cr-hand-urgent'),
    ).toHaveLength(0);
    // another reader cannot read radiologist1's report
    const { reportId } = await r1.client.submitReport(byR1, 'idem-hand-000001');
    const other = await fetch(`${backend.url}/api/reports/${reportId}`, {
      headers: bearer(r2.token),
    });
    expect(other.status).toBe(403);
  });

  it('amends a signed report only by a signed addendum linked to its hash', async () => {
    const first = (await r1.client.caseDetail('case-ct-chest-stat')).signedReports![0]!;
    const { report } = await r1.client.getReport(first.reportId);
    const second = await signAs(r1, ctChestCase());
    const refused = await postReport(backend.url, r1.token, second, 'idem-second-0001');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'case-already-reported' } });
    const addendum = await signAs(
      r1,
      {
        ...ctChestCase(),
        impression: 'Addendum: the nodule is in the right upper lobe, not the middle lobe.',
      },
      { amends: report.hash },
    );
    await r1.client.submitReport(addendum, 'idem-addendum-0001');
    const detail = await r1.client.caseDetail('case-ct-chest-stat');
    expect(detail.signedReports?.map((r) => r.reportId)).toEqual([
      first.reportId,
      addendum.document.reportId,
    ]);
  });

  it('keeps markup in a report as text, in the stored text and in the SR', async () => {
    const xss = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const signed = await signAs(
      r2,
      genericContent('case-mr-brain-urgent', xss, 'Normal & <b>stable</b>'),
    );
    const { reportId } = await r2.client.submitReport(signed, 'idem-xss-0000001');
    const { report } = (await (
      await fetch(`${backend.url}/api/reports/${reportId}`, { headers: bearer(r2.token) })
    ).json()) as ReportResponse;
    expect(report.text).toContain(`Findings: ${xss}`);
    const dump = dsrdump(
      path.join(
        backend.dataDir,
        'dicom',
        fixture.studies.mrBrain.studyUid,
        report.sr.seriesInstanceUid!,
        `${report.sr.sopInstanceUid!}.dcm`,
      ),
    );
    expect(dump.problems).toEqual([]);
    expect(dump.text).toContain(`"Findings: ${xss}"`);
    expect(dump.text).toContain('"Normal & <b>stable</b>"');
  });
});

describe('blinded second opinion', () => {
  it('hides another reader’s report SR on the study from the blinded reader’s DICOMweb', async () => {
    // The service assigns the same study to radiologist2 as a first read.
    const study = fixture.studies.crChest;
    const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'));
    try {
      db.prepare(
        `INSERT INTO cases (case_id, study_uid, patient_id, kind, priority, due_at, status, subspecialty, assignee_id, context, original_report_id, created_at)
         SELECT 'case-cr-chest-r2', study_uid, patient_id, 'first-read', 'routine', due_at, 'assigned', subspecialty, ?, context, NULL, created_at
         FROM cases WHERE case_id = 'case-cr-chest-second'`,
      ).run(r2.user.id);
    } finally {
      db.close();
    }
    const content: ReportContent = {
      templateId: 'cr-chest',
      templateVersion: '1.0',
      caseId: 'case-cr-chest-r2',
      values: { views: ['pa'], lungs: 'Clear.' },
      measurements: [],
      impression: 'Normal chest.',
      critical: null,
    };
    const { reportId } = await r2.client.submitReport(
      await signAs(r2, content),
      'idem-r2-cr-chest-1',
    );
    const { sr } = (await r2.client.getReport(reportId)).report;
    expect(sr.status).toBe('stored');

    const get = (p: string) => fetch(`${backend.url}/dicom-web${p}`, { headers: bearer(r1.token) });
    const seriesUids = async () =>
      (
        (await (await get(`/studies/${study.studyUid}/series`)).json()) as Array<
          Record<string, { Value?: string[] }>
        >
      ).map((s) => s['0020000E']?.Value?.[0]);
    expect(await seriesUids()).not.toContain(sr.seriesInstanceUid);
    const instances = (await (
      await get(`/studies/${study.studyUid}/instances`)
    ).json()) as unknown[];
    expect(instances).toHaveLength(study.instances.length);
    const wado = await get(
      `/wado?requestType=WADO&studyUID=${study.studyUid}&seriesUID=${sr.seriesInstanceUid}&objectUID=${sr.sopInstanceUid}`,
    );
    expect(wado.status).toBe(404);
    expect(
      (await get(`/studies/${study.studyUid}/series/${sr.seriesInstanceUid}/metadata`)).status,
    ).toBe(404);
    expect((await get(`/studies/${study.studyUid}`)).status).toBe(403);
    // radiologist2 sees their own SR
    const own = await fetch(`${backend.url}/dicom-web/studies/${study.studyUid}/series`, {
      headers: bearer(r2.token),
    });
    expect(JSON.stringify(await own.json())).toContain(sr.seriesInstanceUid!);
  });

  it('refuses the original report (403, audited) until the reader’s own report is received, then returns it', async () => {
    const before = await fetch(`${backend.url}/api/cases/case-cr-chest-second/original-report`, {
      headers: bearer(r1.token),
    });
    expect(before.status).toBe(403);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('blinded');

    const content: ReportContent = {
      templateId: 'cr-chest',
      templateVersion: '1.0',
      caseId: 'case-cr-chest-second',
      values: {
        views: ['pa', 'lateral'],
        lungs: 'Right lower lobe consolidation.',
        consolidation: 'right',
      },
      measurements: [],
      impression: 'Right lower lobe pneumonia.',
      critical: {
        communicatedTo: 'Dr. Rita Referrer',
        communicatedAt: '2026-12-01T23:40:00Z',
        method: 'phone',
      },
    };
    await r1.client.submitReport(await signAs(r1, content), 'idem-second-op-01');
    const after = await r1.client.originalReport('case-cr-chest-second');
    expect(after.report.text).toBe('Clear lungs.');
    // and the other reader's SR is no longer hidden
    const series = await fetch(
      `${backend.url}/dicom-web/studies/${fixture.studies.crChest.studyUid}/series?Modality=SR`,
      {
        headers: bearer(r1.token),
      },
    );
    expect(((await series.json()) as unknown[]).length).toBe(2);
    const audit = sql(
      "SELECT outcome, detail FROM audit_log WHERE action = 'case.original-report' AND case_id = ?",
      'case-cr-chest-second',
    );
    expect(audit).toEqual([
      { outcome: 'denied', detail: 'blinded' },
      { outcome: 'allowed', detail: null },
    ]);
  });
});

describe('SR delivery that failed', () => {
  it('keeps the report, marks its SR failed, and stores the SR after a restart', async () => {
    const signed = await signAs(r1, genericContent('case-ct-head-peer', 'No bleed.'));
    // Block the SR's series folder in the local store with a file, so storing it fails.
    const study = fixture.studies.ctHead.studyUid;
    const { seriesInstanceUid, sopInstanceUid } = await srUids(signed.hash);
    const blocker = path.join(backend.dataDir, 'dicom', study, seriesInstanceUid);
    mkdirSync(path.dirname(blocker), { recursive: true });
    writeFileSync(blocker, 'not a folder');
    const { reportId } = await r1.client.submitReport(signed, 'idem-sr-retry-01');
    expect((await r1.client.getReport(reportId)).report.sr.status).toBe('failed');

    rmSync(blocker);
    await backend.stop();
    backend = await startBackend({ dataDir: backend.dataDir, seed: 'none' });
    started!.backend = backend;
    let status = '';
    for (let i = 0; i < 50 && status !== 'stored'; i++) {
      const res = await fetch(`${backend.url}/api/reports/${reportId}`, {
        headers: bearer(r1.token),
      });
      status = ((await res.json()) as ReportResponse).report.sr.status;
      if (status !== 'stored') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('stored');
    const dump = dsrdump(
      path.join(backend.dataDir, 'dicom', study, seriesInstanceUid, `${sopInstanceUid}.dcm`),
    );
    expect(dump.problems).toEqual([]);
    expect(dump.text).toContain('"Findings: No bleed."');
    expect(
      sql(
        "SELECT detail FROM audit_log WHERE action = 'report.sr-store' AND case_id = ?",
        'case-ct-head-peer',
      ),
    ).toEqual([{ detail: 'Error' }, { detail: 'stored-on-retry' }]);
  });
});
