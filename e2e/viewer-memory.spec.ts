import type { Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

/** The counts `window.tandemViewerResources()` gives (renderer/viewer/resource-census.ts). */
interface Held {
  enabledElements: number;
  viewports: number;
  synchronizers: number;
  toolGroupViewports: number;
  parsedFiles: number;
  headerOnlyFiles: number;
  headerSets: number;
  headerSetBytes: number;
  keptHeaders: number;
}

function held(page: Page): Promise<Held> {
  return page.evaluate(() => {
    const census = (
      window as unknown as { tandemViewerResources: () => Held }
    ).tandemViewerResources();
    return {
      enabledElements: census.enabledElements,
      viewports: census.viewports,
      synchronizers: census.synchronizers,
      toolGroupViewports: census.toolGroupViewports,
      parsedFiles: census.parsedFiles,
      headerOnlyFiles: census.headerOnlyFiles,
      headerSets: census.headerSets,
      headerSetBytes: census.headerSetBytes,
      keptHeaders: census.keptHeaders,
    };
  });
}

test('a CT case left for the worklist keeps none of its viewports, links or header-only files', async ({
  page,
}) => {
  const ct = ctChestCase(demoManifest());
  await signIn(page, 'radiologist1');
  const row = page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`);
  const current = page.locator('[data-testid="viewport"][data-viewport-index="0"]');
  const prior = page.locator('[data-testid="viewport"][data-viewport-index="1"]');

  for (let opening = 1; opening <= 2; opening++) {
    await row.dblclick();
    await expect(current).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    // linked by slice position: every image of both series was read for its header
    await expect(current).toHaveAttribute('data-slice-linked', 'true', { timeout: 30_000 });
    await expect(prior).toHaveAttribute('data-slice-linked', 'true', { timeout: 30_000 });
    // The images ahead of the two shown are read ahead (and decoded) while the reader pauses;
    // their parsed files are given back once decoded, their headers kept.
    await expect.poll(async () => (await held(page)).keptHeaders).toBeGreaterThan(10);
    const open = await held(page);
    expect(open.viewports).toBeGreaterThanOrEqual(2);
    expect(open.synchronizers).toBeGreaterThan(0);
    // The headers read for the link are the bytes before each file's pixels, not the files:
    // a few kilobytes each, and no whole file is parsed for them.
    expect(open.headerSets).toBeGreaterThan(100);
    expect(open.headerSetBytes / open.headerSets).toBeLessThan(32 * 1024);
    expect(open.headerOnlyFiles).toBe(0);

    await page.keyboard.press('Escape');
    await expect(row).toBeVisible();
    // Only the files of the images decoded stay (with their images, in Cornerstone's budget),
    // not the whole of both series read for the slice link.
    await expect
      .poll(() => held(page))
      .toMatchObject({
        enabledElements: 0,
        viewports: 0,
        synchronizers: 0,
        toolGroupViewports: 0,
        headerOnlyFiles: 0,
        headerSets: 0,
      });
    const left = await held(page);
    expect(left.parsedFiles).toBeLessThanOrEqual(open.parsedFiles);
    // Nothing of the case left is read ahead any more: no image is decoded after a moment.
    await page.waitForTimeout(1_000);
    expect((await held(page)).keptHeaders).toBe(left.keptHeaders);
  }
});
