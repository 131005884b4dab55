import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, signIn, startWebBackend } from './fixtures.ts';
import { canvasStats } from './pixels.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

test('a corrupt DICOM file in the store: that image shows a readable error, the rest of the series loads', async ({
  page,
}) => {
  const backend = await startWebBackend();
  try {
    const ct = ctChestCase(demoManifest());
    await signIn(page, 'radiologist1', { baseUrl: backend.url });
    await page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`).dblclick();
    const viewport = page.getByTestId('viewport').first();
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    const seriesUid = await viewport.getAttribute('data-series-uid');

    // The second image of the displayed series, by instance number, from the backend's QIDO.
    const res = await page.request.get(
      `${backend.url}/dicom-web/studies/${ct.studyInstanceUid}/series/${seriesUid}/instances?includefield=00200013`,
    );
    expect(res.ok()).toBe(true);
    const instances = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
    const byNumber = instances
      .map((i) => ({ sop: String(i['00080018']!.Value![0]), n: Number(i['00200013']?.Value?.[0]) }))
      .sort((a, b) => a.n - b.n);
    const victim = byNumber[3]!;

    // Truncate its pixel data in the backend's store (a new file: the original is a hard link to the cache).
    const file = path.join(
      backend.dataDir,
      'dicom',
      ct.studyInstanceUid,
      seriesUid!,
      `${victim.sop}.dcm`,
    );
    const bytes = readFileSync(file);
    writeFileSync(`${file}.tmp`, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    renameSync(`${file}.tmp`, file);

    // Reload so the viewer fetches afresh, then step onto the broken image and past it.
    await page.reload();
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await viewport.click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect(viewport).toHaveAttribute('data-image-index', '3');
    await expect(viewport).toHaveAttribute('data-image-error', 'true');
    await expect(viewport.getByRole('alert')).toContainText(/Image 4 could not be displayed/);
    await expect(viewport.getByRole('alert')).not.toContainText(/at \w+ \(|Error:/); // no stack trace

    await page.keyboard.press('ArrowDown');
    await expect(viewport).toHaveAttribute('data-image-index', '4');
    await expect(viewport).toHaveAttribute('data-rendered', 'true');
    await expect(viewport).not.toHaveAttribute('data-image-error', 'true');
    const stats = await canvasStats(viewport);
    expect(stats.nonBlack).toBeGreaterThan(0.1);
  } finally {
    await backend.stop();
  }
});
