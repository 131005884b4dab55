import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctChestContent, measurement } from '../../shared/report/test-support/report-fixtures.ts';
import { writeFixtureDemoCache, type FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import {
  makeTempDir,
  orthancAvailable,
  removeDir,
  startBackend,
  startOrthanc,
  type BackendProcess,
  type OrthancProcess,
} from '../test-support/processes.ts';
import { dsrdump, readerAt, signAs } from './report-helpers.ts';

// The backend in --dicomweb mode stores each report's SR in the PACS by STOW-RS. Fails rather
// than skips where Orthanc is missing: CI installs it.
describe('report SR delivered to a real Orthanc', () => {
  let orthanc: OrthancProcess;
  let backend: BackendProcess;
  let fixture: FixtureDemoCache;
  let cacheDir: string;
  const tmp = mkdtempSync(path.join(tmpdir(), 'tandem-sr-orthanc-'));

  beforeAll(async () => {
    if (!orthancAvailable()) {
      throw new Error(
        'Orthanc and its DICOMweb plugin are needed: apt-get install orthanc orthanc-dicomweb',
      );
    }
    cacheDir = makeTempDir('fixture-cache');
    fixture = writeFixtureDemoCache(cacheDir);
    orthanc = await startOrthanc();
    backend = await startBackend({
      seed: 'demo',
      dicomweb: orthanc.dicomwebUrl,
      env: { TANDEM_DEMO_CACHE: cacheDir, TANDEM_DEMO_SKIP_GENERATE: '1' },
      timeoutMs: 60_000,
    });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) removeDir(backend.dataDir);
    await orthanc?.stop();
    removeDir(cacheDir);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('arrives in Orthanc by STOW-RS and passes dsrdump with the report text and measurement values', async () => {
    const reader = await readerAt(backend.url, 'radiologist1');
    const image = fixture.studies.ctChest.instances[0]!;
    const content = ctChestContent('case-ct-chest-stat', [
      measurement({
        annotationId: 'n1',
        caseId: 'case-ct-chest-stat',
        studyInstanceUid: image.studyUid,
        seriesInstanceUid: image.seriesUid,
        sopInstanceUid: image.sopUid,
        values: [
          { name: 'long-axis', value: 14.2, unit: 'mm' },
          { name: 'short-axis', value: 9.75, unit: 'mm' },
        ],
      }),
    ]);
    content.values['nodule-measurements'] = ['n1'];
    const { reportId } = await reader.client.submitReport(
      await signAs(reader, content),
      'idem-orthanc-0001',
    );
    const { report } = await reader.client.getReport(reportId);
    expect(report.sr.status).toBe('stored');

    const lookup = await fetch(`${orthanc.url}/tools/lookup`, {
      method: 'POST',
      body: report.sr.sopInstanceUid!,
    });
    const found = (await lookup.json()) as Array<{ ID: string; Type: string }>;
    expect(found).toHaveLength(1);
    expect(found[0]!.Type).toBe('Instance');
    const tags = (await (
      await fetch(`${orthanc.url}/instances/${found[0]!.ID}/simplified-tags`)
    ).json()) as Record<string, string>;
    expect(tags['StudyInstanceUID']).toBe(image.studyUid);
    expect(tags['Modality']).toBe('SR');

    const file = path.join(tmp, 'sr.dcm');
    writeFileSync(
      file,
      Buffer.from(
        await (await fetch(`${orthanc.url}/instances/${found[0]!.ID}/file`)).arrayBuffer(),
      ),
    );
    const dump = dsrdump(file);
    expect(dump.problems).toEqual([]);
    expect(dump.status).toBe(0);
    expect(dump.text).toContain('Lungs and airways: Solid nodule in the right upper lobe.');
    expect(dump.text).toContain(
      'Nodule measurements: Nodule RUL: long axis 14.2 mm, short axis 9.75 mm (image 46)',
    );
    expect(dump.text).toMatch(/\(103339001,SCT,"Long Axis"\)="14\.2" \(mm,UCUM,"mm"\)/);
    expect(dump.text).toMatch(/\(103340004,SCT,"Short Axis"\)="9\.75" \(mm,UCUM,"mm"\)/);
    expect(dump.text).toContain(`(CT image,"${image.sopUid}")`);
  });
});
