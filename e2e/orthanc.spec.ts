import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test, expect, signIn, startWebBackend } from './fixtures.ts';
import { canvasStats } from './pixels.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';
import { orthancAvailable, startOrthanc } from '../backend/test-support/processes.ts';

test('a case whose images come from a real Orthanc PACS opens and shows the image', async ({
  page,
}) => {
  test.setTimeout(600_000);
  // CI installs Orthanc; a developer machine without it reports this test as failed, not passed.
  expect(
    orthancAvailable(),
    'Orthanc and its DICOMweb plugin must be installed (apt-get install orthanc orthanc-dicomweb)',
  ).toBe(true);
  const orthanc = await startOrthanc();
  try {
    // --seed demo with --dicomweb stores the demo studies into Orthanc by STOW-RS.
    const backend = await startWebBackend({ dicomweb: orthanc.dicomwebUrl, timeoutMs: 540_000 });
    try {
      const ct = ctChestCase(demoManifest());
      // Orthanc itself has the study (asked directly, not through our backend)…
      const direct = await fetch(
        `${orthanc.dicomwebUrl}/studies?StudyInstanceUID=${ct.studyInstanceUid}`,
      );
      expect(direct.status).toBe(200);
      expect(((await direct.json()) as unknown[]).length).toBe(1);
      // …and our backend holds no image files of its own.
      const local = path.join(backend.dataDir, 'dicom');
      expect(existsSync(local) ? readdirSync(local).length : 0).toBe(0);

      await signIn(page, 'radiologist1', { baseUrl: backend.url });
      await page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`).dblclick();
      const viewport = page.getByTestId('viewport').first();
      await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 60_000 });
      const stats = await canvasStats(viewport);
      expect(stats.nonBlack).toBeGreaterThan(0.1);
      expect(stats.stdDev).toBeGreaterThan(10);
      await page.keyboard.press('PageDown');
      await expect(viewport).toHaveAttribute('data-image-index', '10');
      await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    } finally {
      await backend.stop();
    }
  } finally {
    await orthanc.stop();
  }
});
