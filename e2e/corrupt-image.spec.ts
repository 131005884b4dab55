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
    // Find the 4th image of the first series before the browser signs in (Node's fetch, not the
    // page's: the browser must still sign in through the form), so the sync receives it damaged.
    const login = await fetch(`${backend.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'radiologist1', password: 'tandem-demo' }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(
      `${backend.url}/dicom-web/studies/${ct.studyInstanceUid}/instances?includefield=0020000E,00200013`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.ok).toBe(true);
    const instances = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
    const all = instances.map((i) => ({
      sop: String(i['00080018']!.Value![0]),
      series: String(i['0020000E']!.Value![0]),
      n: Number(i['00200013']?.Value?.[0]),
    }));
    const seriesUid = all[0]!.series;
    const byNumber = all.filter((i) => i.series === seriesUid).sort((a, b) => a.n - b.n);
    const victim = byNumber[3]!;

    // Truncate its pixel data in the backend's store (a new file: the original is a hard link to the cache).
    const file = path.join(
      backend.dataDir,
      'dicom',
      ct.studyInstanceUid,
      seriesUid,
      `${victim.sop}.dcm`,
    );
    const bytes = readFileSync(file);
    writeFileSync(`${file}.tmp`, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    renameSync(`${file}.tmp`, file);

    await signIn(page, 'radiologist1', { baseUrl: backend.url });
    await page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`).dblclick();
    const viewport = page.getByTestId('viewport').first();
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await page.locator(`[data-testid="series-item"][data-series-uid="${seriesUid}"]`).click();
    await expect(viewport).toHaveAttribute('data-series-uid', seriesUid);
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });

    // Step onto the broken image and past it.
    await viewport.click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect(viewport).toHaveAttribute('data-image-index', '3');
    await expect(viewport).toHaveAttribute('data-image-error', 'true', { timeout: 60_000 });
    await expect(viewport.getByRole('alert')).toContainText(/Image 4 could not be displayed/);
    await expect(viewport.getByRole('alert')).not.toContainText(/at \w+ \(|Error:/); // no stack trace

    await page.keyboard.press('ArrowDown');
    await expect(viewport).toHaveAttribute('data-image-index', '4');
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await expect(viewport).not.toHaveAttribute('data-image-error', 'true');
    const stats = await canvasStats(viewport);
    expect(stats.nonBlack).toBeGreaterThan(0.1);
  } finally {
    await backend.stop();
  }
});
