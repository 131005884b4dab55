import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtureUid,
  makeDicom,
  writeFixtureDemoCache,
  type FixtureDemoCache,
} from '../test-support/dicom-fixtures.ts';
import { bearer, multipartBody, parseMultipartBody, signIn } from '../test-support/http-client.ts';
import {
  makeTempDir,
  removeDir,
  startBackend,
  type BackendProcess,
} from '../test-support/processes.ts';

type Dataset = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;

let backend: BackendProcess;
let fixture: FixtureDemoCache;
let cacheDir: string;
let dataDir: string;
let r1: string;
let admin: string;

const value = (ds: Dataset, tag: string) => ds[tag]?.Value?.[0];

beforeAll(async () => {
  cacheDir = makeTempDir('fixture-cache');
  fixture = writeFixtureDemoCache(cacheDir);
  dataDir = makeTempDir('backend-data');
  // A file that is not DICOM sits in the store: indexing must skip it, not crash.
  mkdirSync(path.join(dataDir, 'dicom', 'junk'), { recursive: true });
  writeFileSync(path.join(dataDir, 'dicom', 'junk', 'not-dicom.dcm'), 'this is not a DICOM file');
  backend = await startBackend({
    dataDir,
    seed: 'demo',
    env: { TANDEM_DEMO_CACHE: cacheDir, TANDEM_DEMO_SKIP_GENERATE: '1' },
  });
  r1 = await signIn(backend.url, 'radiologist1');
  admin = await signIn(backend.url, 'admin1');
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  removeDir(dataDir);
  removeDir(cacheDir);
});

async function json(p: string, token: string): Promise<Dataset[]> {
  const res = await fetch(`${backend.url}${p}`, {
    headers: bearer(token, { accept: 'application/dicom+json' }),
  });
  expect(res.status, `${p}: ${res.status}`).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
  return (await res.json()) as Dataset[];
}

describe('QIDO-RS', () => {
  it("shows a radiologist only their cases' studies and those cases' priors", async () => {
    const studies = await json('/dicom-web/studies', r1);
    const uids = studies.map((s) => value(s, '0020000D')).sort();
    const s = fixture.studies;
    expect(uids).toEqual(
      [
        s.ctChest.studyUid,
        s.ctChestPrior.studyUid,
        s.crChest.studyUid,
        s.crChestFollowup.studyUid,
        s.ctHead.studyUid,
        s.crHand.studyUid,
      ].sort(),
    );
    const all = await json('/dicom-web/studies', admin);
    expect(all).toHaveLength(8);
  });

  it('filters by patient, date range, modality and accession, pages with limit/offset, and adds included fields', async () => {
    const byPatient = await json('/dicom-web/studies?PatientID=PAT-001', r1);
    expect(byPatient.map((s) => value(s, '00080020'))).toEqual(['20240510', '20230509']); // newest first
    expect(byPatient[0]!['00201208']?.Value).toEqual([5]);
    expect(byPatient[0]!['00080061']?.Value).toEqual(['CT']);
    expect(String(value(byPatient[0]!, '00081190'))).toBe(
      `${backend.url}/dicom-web/studies/${fixture.studies.ctChest.studyUid}`,
    );

    expect(await json('/dicom-web/studies?PatientID=PAT-001&StudyDate=20240101-', r1)).toHaveLength(
      1,
    );
    expect(await json('/dicom-web/studies?StudyDate=20230101-20231231', r1)).toHaveLength(1);
    expect(await json('/dicom-web/studies?ModalitiesInStudy=CR', r1)).toHaveLength(3);
    expect(await json('/dicom-web/studies?00080050=ACC1004', r1)).toHaveLength(1);
    expect(await json('/dicom-web/studies?PatientName=Testpatient%5EA*', r1)).toHaveLength(2);
    const page = await json('/dicom-web/studies?limit=2&offset=1', r1);
    expect(page).toHaveLength(2);

    const withField = await json(
      `/dicom-web/studies?StudyInstanceUID=${fixture.studies.ctChest.studyUid}&includefield=00180050,PixelSpacing`,
      r1,
    );
    expect(withField[0]!['00180050']?.Value).toEqual([2.5]);
    const allFields = await json(
      `/dicom-web/studies?StudyInstanceUID=${fixture.studies.ctChest.studyUid}&includefield=all`,
      r1,
    );
    expect(allFields[0]!['00100030']?.Value).toEqual(['19600302']);
  });

  it('searches series and instances within a study, and series across studies', async () => {
    const study = fixture.studies.ctChest;
    const series = await json(`/dicom-web/studies/${study.studyUid}/series`, r1);
    expect(series.map((s) => value(s, '00200011'))).toEqual([1, 2]);
    expect(series.map((s) => value(s, '00201209'))).toEqual([3, 2]);
    expect(await json(`/dicom-web/studies/${study.studyUid}/series?Modality=MR`, r1)).toHaveLength(
      0,
    );

    const seriesUid = study.instances[0]!.seriesUid;
    const instances = await json(
      `/dicom-web/studies/${study.studyUid}/series/${seriesUid}/instances`,
      r1,
    );
    expect(instances.map((i) => value(i, '00200013'))).toEqual([1, 2, 3]);
    expect(value(instances[0]!, '00280010')).toBe(8);

    expect(await json(`/dicom-web/studies/${study.studyUid}/instances`, r1)).toHaveLength(5);
    const one = await json(
      `/dicom-web/studies/${study.studyUid}/instances?SOPInstanceUID=${study.instances[4]!.sopUid}`,
      r1,
    );
    expect(one).toHaveLength(1);

    const acrossCt = await json('/dicom-web/series?Modality=CT', r1);
    const studiesOfSeries = new Set(acrossCt.map((s) => value(s, '0020000D')));
    expect(studiesOfSeries.has(fixture.studies.ctAbdomenPrior.studyUid)).toBe(false); // radiologist2's prior
    expect(studiesOfSeries.has(fixture.studies.ctChest.studyUid)).toBe(true);
  });

  it('refuses bad searches with 400 and a message', async () => {
    for (const q of [
      'Foo=bar',
      'limit=-1',
      'limit=abc',
      'StudyDate=May',
      'StudyInstanceUID=1.2.x',
      'includefield=NoSuchAttribute',
      'offset=1&offset=2',
    ]) {
      const res = await fetch(`${backend.url}/dicom-web/studies?${q}`, { headers: bearer(r1) });
      expect(res.status, q).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.message, q).toMatch(/^The search is not valid: /);
    }
    const badUid = await fetch(`${backend.url}/dicom-web/studies/1.2.abc/series`, {
      headers: bearer(r1),
    });
    expect(badUid.status).toBe(400);
  });
});

describe('WADO-RS and WADO-URI', () => {
  it('retrieves a study as multipart/related with the stored files byte for byte', async () => {
    const study = fixture.studies.ctChest;
    const res = await fetch(`${backend.url}/dicom-web/studies/${study.studyUid}`, {
      headers: bearer(r1, { accept: 'multipart/related; type="application/dicom"' }),
    });
    expect(res.status).toBe(200);
    const type = res.headers.get('content-type')!;
    expect(type).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    const parts = parseMultipartBody(Buffer.from(await res.arrayBuffer()), type);
    expect(parts).toHaveLength(5);
    const expected = study.instances.map((i) => readFileSync(i.file).toString('base64')).sort();
    expect(parts.map((p) => p.body.toString('base64')).sort()).toEqual(expected);
    expect(parts[0]!.headers['content-type']).toMatch(
      /^application\/dicom; transfer-syntax=1\.2\.840\.10008\.1\.2\.1$/,
    );

    const inst = study.instances[3]!;
    const single = await fetch(
      `${backend.url}/dicom-web/studies/${inst.studyUid}/series/${inst.seriesUid}/instances/${inst.sopUid}`,
      { headers: bearer(r1) },
    );
    const singleParts = parseMultipartBody(
      Buffer.from(await single.arrayBuffer()),
      single.headers.get('content-type')!,
    );
    expect(singleParts).toHaveLength(1);
    expect(singleParts[0]!.body.equals(readFileSync(inst.file))).toBe(true);

    const series = await fetch(
      `${backend.url}/dicom-web/studies/${inst.studyUid}/series/${inst.seriesUid}`,
      { headers: bearer(r1) },
    );
    expect(
      parseMultipartBody(
        Buffer.from(await series.arrayBuffer()),
        series.headers.get('content-type')!,
      ),
    ).toHaveLength(2);
  });

  it('answers 406 when asked for a format it does not serve', async () => {
    const study = fixture.studies.ctChest;
    const res = await fetch(`${backend.url}/dicom-web/studies/${study.studyUid}`, {
      headers: bearer(r1, { accept: 'image/jpeg' }),
    });
    expect(res.status).toBe(406);
  });

  it('serves metadata at study, series and instance level, with BulkDataURIs that work', async () => {
    const study = fixture.studies.ctChest;
    const inst = study.instances[0]!;
    expect(await json(`/dicom-web/studies/${study.studyUid}/metadata`, r1)).toHaveLength(5);
    expect(
      await json(`/dicom-web/studies/${study.studyUid}/series/${inst.seriesUid}/metadata`, r1),
    ).toHaveLength(3);
    const [meta] = await json(
      `/dicom-web/studies/${study.studyUid}/series/${inst.seriesUid}/instances/${inst.sopUid}/metadata`,
      r1,
    );
    expect(value(meta!, '00100010')).toEqual({ Alphabetic: 'Testpatient^Alice' });
    expect(meta!['00280030']?.Value).toEqual([0.7, 0.7]);
    const bulk = meta!['7FE00010']?.BulkDataURI;
    expect(bulk).toBe(
      `${backend.url}/dicom-web/studies/${study.studyUid}/series/${inst.seriesUid}/instances/${inst.sopUid}/bulk/7FE00010`,
    );
    const res = await fetch(bulk!, { headers: bearer(r1) });
    expect(res.status).toBe(200);
    const parts = parseMultipartBody(
      Buffer.from(await res.arrayBuffer()),
      res.headers.get('content-type')!,
    );
    expect(parts[0]!.body.length).toBe(8 * 8 * 2);
  });

  it('serves WADO-URI as the bare Part-10 file, privately cacheable', async () => {
    for (const key of ['ctChest', 'crChest'] as const) {
      const inst = fixture.studies[key].instances[0]!;
      const res = await fetch(
        `${backend.url}/dicom-web/wado?requestType=WADO&studyUID=${inst.studyUid}&seriesUID=${inst.seriesUid}&objectUID=${inst.sopUid}&contentType=application/dicom`,
        { headers: bearer(r1) },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/dicom');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(inst.file))).toBe(true);
    }
    const bad = await fetch(
      `${backend.url}/dicom-web/wado?requestType=WADO&studyUID=1.2&seriesUID=1.2`,
      { headers: bearer(r1) },
    );
    expect(bad.status).toBe(400);
    const jpeg = await fetch(
      `${backend.url}/dicom-web/wado?requestType=WADO&studyUID=1.2&seriesUID=1.2&objectUID=1.2&contentType=image/jpeg`,
      { headers: bearer(r1) },
    );
    expect(jpeg.status).toBe(406);
  });

  it('serves the images asked for in one multipart answer, in the order asked, each with its length and address', async () => {
    const ct = fixture.studies.ctChest;
    const [a, b] = [ct.instances[1]!, ct.instances[0]!];
    const ask = (instances: Array<{ seriesInstanceUid: string; sopInstanceUid: string }>) =>
      fetch(`${backend.url}/dicom-web/studies/${ct.studyUid}/instances/retrieve`, {
        method: 'POST',
        headers: bearer(r1, { 'content-type': 'application/json' }),
        body: JSON.stringify({ instances }),
      });
    const res = await ask([
      { seriesInstanceUid: a.seriesUid, sopInstanceUid: a.sopUid },
      { seriesInstanceUid: a.seriesUid, sopInstanceUid: '1.2.3.999' }, // unknown: left out
      { seriesInstanceUid: '1.2.3.998', sopInstanceUid: b.sopUid }, // wrong series: left out
      { seriesInstanceUid: b.seriesUid, sopInstanceUid: b.sopUid },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const parts = parseMultipartBody(
      Buffer.from(await res.arrayBuffer()),
      res.headers.get('content-type')!,
    );
    expect(parts.map((p) => p.headers['content-location'])).toEqual([
      `${backend.url}/dicom-web/studies/${ct.studyUid}/series/${a.seriesUid}/instances/${a.sopUid}`,
      `${backend.url}/dicom-web/studies/${ct.studyUid}/series/${b.seriesUid}/instances/${b.sopUid}`,
    ]);
    expect(parts[0]!.body.equals(readFileSync(a.file))).toBe(true);
    expect(parts[1]!.body.equals(readFileSync(b.file))).toBe(true);
    expect(parts[0]!.headers['content-length']).toBe(String(readFileSync(a.file).length));
    // a list that is not one: 400; too many: 400; not JSON: 415
    expect((await ask([])).status).toBe(400);
    const many = Array.from({ length: 65 }, () => ({
      seriesInstanceUid: a.seriesUid,
      sopInstanceUid: a.sopUid,
    }));
    expect((await ask(many)).status).toBe(400);
    const text = await fetch(`${backend.url}/dicom-web/studies/${ct.studyUid}/instances/retrieve`, {
      method: 'POST',
      headers: bearer(r1, { 'content-type': 'text/plain' }),
      body: 'x',
    });
    expect(text.status).toBe(415);
  });

  it("refuses another radiologist's study with 403 for every kind of retrieval, and audits it", async () => {
    const inst = fixture.studies.mrBrain.instances[0]!;
    const paths = [
      `/dicom-web/studies/${inst.studyUid}`,
      `/dicom-web/studies/${inst.studyUid}/metadata`,
      `/dicom-web/studies/${inst.studyUid}/series`,
      `/dicom-web/studies/${inst.studyUid}/series/${inst.seriesUid}/instances/${inst.sopUid}`,
      `/dicom-web/wado?requestType=WADO&studyUID=${inst.studyUid}&seriesUID=${inst.seriesUid}&objectUID=${inst.sopUid}&contentType=application/dicom`,
    ];
    for (const p of paths) {
      const res = await fetch(`${backend.url}${p}`, { headers: bearer(r1) });
      expect(res.status, p).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    // the owner can
    const r2 = await signIn(backend.url, 'radiologist2');
    expect((await fetch(`${backend.url}${paths[4]}`, { headers: bearer(r2) })).status).toBe(200);
    // a QA reviewer sees the discordant pair's study
    const qa = await signIn(backend.url, 'qa1');
    expect((await fetch(`${backend.url}${paths[4]}`, { headers: bearer(qa) })).status).toBe(200);

    const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'), { readOnly: true });
    try {
      const denied = db
        .prepare(
          "SELECT count(*) AS n FROM audit_log WHERE username = 'radiologist1' AND outcome = 'denied' AND study_uid = ?",
        )
        .get(inst.studyUid) as { n: number };
      expect(denied.n).toBe(paths.length);
      const allowed = db
        .prepare(
          "SELECT count(*) AS n FROM audit_log WHERE action = 'dicomweb.wado-uri' AND outcome = 'allowed'",
        )
        .get() as { n: number };
      expect(allowed.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('answers 404 to an administrator for a study that does not exist', async () => {
    const res = await fetch(`${backend.url}/dicom-web/studies/1.2.3.4.5.6.7.8.9`, {
      headers: bearer(admin),
    });
    expect(res.status).toBe(404);
  });
});

describe('STOW-RS', () => {
  const newStudy = fixtureUid(9, 1);
  const spec = (n: number) => ({
    patientId: 'PAT-900',
    patientName: 'Stowed^Sam',
    birthDate: '19700101',
    sex: 'M',
    studyUid: newStudy,
    studyDate: '20240601',
    accession: 'ACC9001',
    studyDescription: 'STOWED CT',
    seriesUid: fixtureUid(9, 1, 1),
    seriesNumber: 1,
    seriesDescription: 'Stowed series',
    modality: 'CT',
    bodyPart: 'CHEST',
    sopUid: fixtureUid(9, 1, 1, n),
    instanceNumber: n,
  });

  it('stores instances, answers with ReferencedSOPSequence, and serves them back by QIDO and WADO-URI', async () => {
    const files = [makeDicom(spec(1)), makeDicom(spec(2))];
    const { body, contentType } = multipartBody(files.map((b) => ({ body: b })));
    const res = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(admin, { 'content-type': contentType, accept: 'application/dicom+json' }),
      body,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Dataset;
    const referenced = answer['00081199']?.Value as Dataset[];
    expect(referenced.map((r) => value(r, '00081155'))).toEqual([spec(1).sopUid, spec(2).sopUid]);
    expect(value(referenced[0]!, '00081150')).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(answer['00081198']).toBeUndefined();

    const found = await json(`/dicom-web/studies?StudyInstanceUID=${newStudy}`, admin);
    expect(found).toHaveLength(1);
    expect(value(found[0]!, '00201208')).toBe(2);
    const wado = await fetch(
      `${backend.url}/dicom-web/wado?requestType=WADO&studyUID=${newStudy}&seriesUID=${spec(2).seriesUid}&objectUID=${spec(2).sopUid}`,
      { headers: bearer(admin) },
    );
    expect(Buffer.from(await wado.arrayBuffer()).equals(files[1]!)).toBe(true);
  });

  it('reports parts that are not DICOM in FailedSOPSequence (202 when some were stored, 409 when none)', async () => {
    const mixed = multipartBody([
      { body: makeDicom(spec(3)) },
      { body: Buffer.from('garbage, not DICOM') },
    ]);
    const res = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(admin, { 'content-type': mixed.contentType }),
      body: mixed.body,
    });
    expect(res.status).toBe(202);
    const answer = (await res.json()) as Dataset;
    expect((answer['00081199']?.Value as Dataset[]).length).toBe(1);
    const failed = answer['00081198']?.Value as Dataset[];
    expect(value(failed[0]!, '00081197')).toBe(0xc000);

    const none = multipartBody([{ body: Buffer.from('garbage') }]);
    const res2 = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(admin, { 'content-type': none.contentType }),
      body: none.body,
    });
    expect(res2.status).toBe(409);
  });

  it('does not let a radiologist store into a study outside their cases', async () => {
    const other = {
      ...spec(1),
      studyUid: fixtureUid(9, 2),
      seriesUid: fixtureUid(9, 2, 1),
      sopUid: fixtureUid(9, 2, 1, 1),
    };
    const { body, contentType } = multipartBody([{ body: makeDicom(other) }]);
    const res = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(r1, { 'content-type': contentType }),
      body,
    });
    expect(res.status).toBe(409);
    const failed = ((await res.json()) as Dataset)['00081198']?.Value as Dataset[];
    expect(value(failed[0]!, '00081197')).toBe(0x0124);
  });

  it('refuses a body that is not multipart/related DICOM with 415, and broken multipart with 400', async () => {
    const bare = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(admin, { 'content-type': 'application/dicom' }),
      body: new Uint8Array(makeDicom(spec(4))),
    });
    expect(bare.status).toBe(415);
    const broken = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(admin, {
        'content-type': 'multipart/related; type="application/dicom"; boundary=abc',
      }),
      body: '--abc\r\nContent-Type: application/dicom\r\n\r\nnever ends',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(
      /multipart/,
    );
    const noBoundary = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(admin, { 'content-type': 'multipart/related; type="application/dicom"' }),
      body: 'x',
    });
    expect(noBoundary.status).toBe(400);
  });
});

describe('indexing and reseeding', () => {
  it('skipped the file that is not DICOM, without logging its name', () => {
    expect(backend.stderr()).toMatch(/skipped a file that is not readable DICOM/);
    expect(backend.stderr()).not.toContain('not-dicom.dcm');
  });

  it('seeds an already seeded data directory without duplicating anything', async () => {
    const count = () => {
      const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'), { readOnly: true });
      try {
        const n = (t: string) =>
          (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
        return {
          users: n('users'),
          cases: n('cases'),
          reports: n('reports'),
          pairs: n('discordant_pairs'),
          instances: n('dicom_instances'),
        };
      } finally {
        db.close();
      }
    };
    const before = count();
    await backend.stop();
    backend = await startBackend({
      dataDir,
      seed: 'demo',
      env: { TANDEM_DEMO_CACHE: cacheDir, TANDEM_DEMO_SKIP_GENERATE: '1' },
    });
    expect(count()).toEqual(before);
    expect(before).toMatchObject({ users: 4, cases: 6, reports: 5, pairs: 1 });
    // sessions survive a restart
    expect((await fetch(`${backend.url}/api/worklist`, { headers: bearer(r1) })).status).toBe(200);
  }, 60_000);
});
