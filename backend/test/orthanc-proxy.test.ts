import { readFileSync } from 'node:fs';
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
  orthancAvailable,
  removeDir,
  startBackend,
  startOrthanc,
  type BackendProcess,
  type OrthancProcess,
} from '../test-support/processes.ts';

type Dataset = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;
const value = (ds: Dataset, tag: string) => ds[tag]?.Value?.[0];

// A real Orthanc with the DICOMweb plugin behind the backend's --dicomweb proxy. Where Orthanc is
// missing this fails rather than skips: CI installs it, and a skip would pass unnoticed.
describe('backend in front of a real Orthanc (--dicomweb)', () => {
  let orthanc: OrthancProcess;
  let backend: BackendProcess;
  let fixture: FixtureDemoCache;
  let cacheDir: string;
  let r1: string;

  beforeAll(async () => {
    if (!orthancAvailable()) {
      throw new Error(
        'Orthanc and its DICOMweb plugin are needed: apt-get install orthanc orthanc-dicomweb',
      );
    }
    cacheDir = makeTempDir('fixture-cache');
    fixture = writeFixtureDemoCache(cacheDir);
    orthanc = await startOrthanc();
    // The demo seed finds the studies missing in the PACS and STOWs them through our proxy store.
    backend = await startBackend({
      seed: 'demo',
      dicomweb: orthanc.dicomwebUrl,
      env: { TANDEM_DEMO_CACHE: cacheDir, TANDEM_DEMO_SKIP_GENERATE: '1' },
      timeoutMs: 60_000,
    });
    r1 = await signIn(backend.url, 'radiologist1');
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) removeDir(backend.dataDir);
    await orthanc?.stop();
    removeDir(cacheDir);
  });

  it('seeded the PACS by STOW-RS', async () => {
    const res = await fetch(`${orthanc.url}/studies`);
    expect(((await res.json()) as string[]).length).toBe(8);
    const health = await fetch(`${backend.url}/api/health`);
    expect(((await health.json()) as { dicomweb: string }).dicomweb).toBe('proxy');
  });

  it('builds the worklist from the PACS by QIDO', async () => {
    const res = await fetch(`${backend.url}/api/worklist`, { headers: bearer(r1) });
    const { items } = (await res.json()) as { items: Array<Record<string, unknown>> };
    expect(items[0]).toMatchObject({
      caseId: 'case-ct-chest-stat',
      description: 'CT CHEST WITH CONTRAST',
      modalities: ['CT'],
      numberOfInstances: 5,
      numberOfPriors: 1,
      patientId: 'PAT-001',
    });
  });

  it('filters QIDO results to the caller and points RetrieveURLs at the backend', async () => {
    const res = await fetch(`${backend.url}/dicom-web/studies`, { headers: bearer(r1) });
    expect(res.status).toBe(200);
    const studies = (await res.json()) as Dataset[];
    const s = fixture.studies;
    expect(studies.map((d) => value(d, '0020000D')).sort()).toEqual(
      [
        s.ctChest.studyUid,
        s.ctChestPrior.studyUid,
        s.crChest.studyUid,
        s.crChestFollowup.studyUid,
        s.ctHead.studyUid,
        s.crHand.studyUid,
      ].sort(),
    );
    for (const d of studies)
      expect(String(value(d, '00081190'))).toMatch(
        new RegExp(`^${backend.url}/dicom-web/studies/`),
      );
    const limited = await fetch(`${backend.url}/dicom-web/studies?limit=2`, {
      headers: bearer(r1),
    });
    expect(((await limited.json()) as Dataset[]).length).toBe(2);

    const series = await fetch(`${backend.url}/dicom-web/studies/${s.ctChest.studyUid}/series`, {
      headers: bearer(r1),
    });
    expect(((await series.json()) as Dataset[]).length).toBe(2);
  });

  it('serves WADO-URI through the PACS byte for byte, and refuses studies outside the caller’s cases', async () => {
    for (const key of ['ctChest', 'crChest'] as const) {
      const inst = fixture.studies[key].instances[0]!;
      const res = await fetch(
        `${backend.url}/dicom-web/wado?requestType=WADO&studyUID=${inst.studyUid}&seriesUID=${inst.seriesUid}&objectUID=${inst.sopUid}&contentType=application/dicom`,
        { headers: bearer(r1) },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(inst.file))).toBe(true);
    }
    const other = fixture.studies.mrBrain.instances[0]!;
    const refused = await fetch(
      `${backend.url}/dicom-web/wado?requestType=WADO&studyUID=${other.studyUid}&seriesUID=${other.seriesUid}&objectUID=${other.sopUid}&contentType=application/dicom`,
      { headers: bearer(r1) },
    );
    expect(refused.status).toBe(403);
  });

  it('serves a batch of images from the PACS in one multipart answer, each with its length and address', async () => {
    const ct = fixture.studies.ctChest;
    const asked = ct.instances.slice(0, 2);
    const res = await fetch(`${backend.url}/dicom-web/studies/${ct.studyUid}/instances/retrieve`, {
      method: 'POST',
      headers: bearer(r1, { 'content-type': 'application/json' }),
      body: JSON.stringify({
        instances: [
          ...asked.map((i) => ({ seriesInstanceUid: i.seriesUid, sopInstanceUid: i.sopUid })),
          { seriesInstanceUid: asked[0]!.seriesUid, sopInstanceUid: '1.2.3.999' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const parts = parseMultipartBody(
      Buffer.from(await res.arrayBuffer()),
      res.headers.get('content-type')!,
    );
    expect(parts).toHaveLength(2);
    asked.forEach((inst, k) => {
      expect(parts[k]!.body.equals(readFileSync(inst.file))).toBe(true);
      expect(parts[k]!.headers['content-length']).toBe(String(parts[k]!.body.length));
      expect(parts[k]!.headers['content-location']).toMatch(
        new RegExp(`/instances/${inst.sopUid}$`),
      );
    });
  });

  it('passes WADO-RS retrieval and metadata through, with BulkDataURIs pointing at the backend', async () => {
    const inst = fixture.studies.ctChest.instances[0]!;
    const res = await fetch(
      `${backend.url}/dicom-web/studies/${inst.studyUid}/series/${inst.seriesUid}/instances/${inst.sopUid}`,
      {
        headers: bearer(r1),
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/related/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.includes(readFileSync(inst.file))).toBe(true);

    const meta = await fetch(
      `${backend.url}/dicom-web/studies/${inst.studyUid}/series/${inst.seriesUid}/metadata`,
      { headers: bearer(r1) },
    );
    expect(meta.status).toBe(200);
    const datasets = (await meta.json()) as Dataset[];
    expect(datasets).toHaveLength(3);
    const bulk = datasets[0]!['7FE00010']?.BulkDataURI;
    expect(bulk).toMatch(new RegExp(`^${backend.url}/dicom-web/studies/`));
    expect(JSON.stringify(datasets)).not.toContain(orthanc.url);
  });

  it('stores through the backend into the PACS (STOW-RS) and finds the result by patient name', async () => {
    const admin = await signIn(backend.url, 'admin1');
    const uid = fixtureUid(8, 1);
    const file = makeDicom({
      patientId: 'PAT-800',
      patientName: 'Proxied^Petra',
      birthDate: '19800101',
      sex: 'F',
      studyUid: uid,
      studyDate: '20240701',
      accession: 'ACC8001',
      studyDescription: 'PROXY STOW',
      seriesUid: fixtureUid(8, 1, 1),
      seriesNumber: 1,
      seriesDescription: 'one',
      modality: 'CT',
      bodyPart: 'CHEST',
      sopUid: fixtureUid(8, 1, 1, 1),
      instanceNumber: 1,
    });
    const { body, contentType } = multipartBody([{ body: file }]);
    const res = await fetch(`${backend.url}/dicom-web/studies`, {
      method: 'POST',
      headers: bearer(admin, { 'content-type': contentType }),
      body,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Dataset;
    const referenced = answer['00081199']?.Value as Dataset[];
    expect(value(referenced[0]!, '00081155')).toBe(fixtureUid(8, 1, 1, 1));
    expect(String(value(referenced[0]!, '00081190'))).toMatch(
      new RegExp(`^${backend.url}/dicom-web/`),
    );

    const found = await fetch(`${backend.url}/dicom-web/studies?PatientName=Proxied%5EP*`, {
      headers: bearer(admin),
    });
    const studies = (await found.json()) as Dataset[];
    expect(studies.map((d) => value(d, '0020000D'))).toEqual([uid]);
  });
});
