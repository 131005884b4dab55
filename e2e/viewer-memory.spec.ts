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
  imageCacheBytes: number;
}

/** Cornerstone's image cache budget (renderer/viewer/cornerstone-setup.ts). */
const IMAGE_CACHE_BUDGET = 2 ** 30;

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
      imageCacheBytes: census.imageCacheBytes,
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
    // The images are read ahead of the reader: more than the two shown are decoded without a
    // key pressed (a 512 × 512 CT image holds 0.5 MB of 16-bit values).
    await expect
      .poll(async () => (await held(page)).imageCacheBytes / (512 * 512 * 2), { timeout: 30_000 })
      .toBeGreaterThan(20);
    const open = await held(page);
    expect(open.viewports).toBeGreaterThanOrEqual(2);
    expect(open.synchronizers).toBeGreaterThan(0);

    await page.keyboard.press('Escape');
    await expect(row).toBeVisible();
    // Only the files of the images decoded stay (with their images, in Cornerstone's budget:
    // the images read ahead of the reader among them), not the whole of both series read for
    // the slice link.
    await expect
      .poll(() => held(page))
      .toMatchObject({
        enabledElements: 0,
        viewports: 0,
        synchronizers: 0,
        toolGroupViewports: 0,
        headerOnlyFiles: 0,
      });
    const left = await held(page);
    expect(left.imageCacheBytes).toBeLessThanOrEqual(IMAGE_CACHE_BUDGET);
  }
});
