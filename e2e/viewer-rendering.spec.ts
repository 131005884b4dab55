import type { Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { canvasStats, thumbDifference, type CanvasStats } from './pixels.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

/** Chooses how stack images are drawn in the Settings dialog, and closes it. */
async function chooseRendering(page: Page, value: 'auto' | 'gpu' | 'cpu'): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByTestId('settings-dialog');
  await dialog.getByTestId('rendering-setting').selectOption(value);
  await expect(dialog.getByTestId('rendering-settings')).toContainText('Saved');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
}

test.describe('how the viewer draws images', () => {
  test('shows the same CT image drawn with WebGL and on the CPU, as chosen in Settings, and both follow the reader', async ({
    page,
  }) => {
    const ct = ctChestCase(demoManifest());
    await signIn(page, 'radiologist1');
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`);
    const viewport = page.getByTestId('viewport').first();

    const shown: Record<string, CanvasStats> = {};
    for (const renderer of ['gpu', 'cpu'] as const) {
      await chooseRendering(page, renderer);
      await row.dblclick();
      await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
      await expect(viewport).toHaveAttribute('data-renderer', renderer);
      const first = await canvasStats(viewport);
      expect(first.nonBlack).toBeGreaterThan(0.1);
      expect(first.stdDev).toBeGreaterThan(10);
      shown[renderer] = first;

      // Invert and flip change what is on screen, whichever draws it.
      await page.keyboard.press('i');
      await expect
        .poll(async () => thumbDifference(first, await canvasStats(viewport)))
        .toBeGreaterThan(20);
      await page.keyboard.press('i');
      await page.keyboard.press('h');
      await expect
        .poll(async () => thumbDifference(first, await canvasStats(viewport)))
        .toBeGreaterThan(1);

      await page.keyboard.press('Escape');
      await expect(row).toBeVisible();
    }
    // Same image, same window: the two renderers differ by interpolation only.
    expect(thumbDifference(shown.gpu!, shown.cpu!)).toBeLessThan(4);
  });
});
