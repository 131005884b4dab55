import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';

const CT_CASE = 'case-ct-chest-nodule-followup';
// A protocol spanning two displays (the same fixture as the unit test of the images window).
const TWO_DISPLAYS = readFileSync(
  new URL('../renderer/images-window/test-support/two-display-protocol.json', import.meta.url),
);

function viewport(page: Page, index: number) {
  return page.locator(`[data-testid="viewport"][data-viewport-index="${index}"]`);
}

test('the images window of the second display hangs the reading window’s stage, and follows it', async ({
  page,
  context,
}) => {
  test.setTimeout(60_000);
  await signIn(page, 'radiologist1');
  await page.locator(`[data-testid="worklist-row"][data-case-id="${CT_CASE}"]`).dblclick();
  await page.getByTestId('hp-import-input').setInputFiles({
    name: 'two-displays.json',
    mimeType: 'application/json',
    buffer: TWO_DISPLAYS,
  });
  const stage = page.getByTestId('hp-stage');
  await expect(stage).toHaveAttribute('data-stage-id', 'current-and-prior', { timeout: 20_000 });

  // In a browser the images window is a page of its own (in Electron, a window on display 2).
  const images = await context.newPage();
  // Restored at start-up, it waits on its display for a case rather than showing a second worklist.
  await images.goto('/#/display/1');
  await expect(images.getByTestId('images-standby')).toBeVisible();
  await expect(images.getByTestId('worklist-row')).toHaveCount(0);
  // The shell tells it the case (show-viewports), which moves it to the case's route.
  await images.evaluate((hash) => (window.location.hash = hash), `#/cases/${CT_CASE}/display/1`);
  const window2 = images.getByTestId('images-window');
  await expect(window2).toHaveAttribute('data-stage-id', 'current-and-prior', { timeout: 20_000 });
  await expect(images.getByTestId('viewport')).toHaveCount(1);
  await expect(viewport(images, 0)).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  await expect(viewport(images, 0).locator('.corner.top-left')).toContainText('Chest 2.0 Lung');
  // the reading window keeps the current only
  await expect(page.getByTestId('viewport')).toHaveCount(1);
  await expect(viewport(page, 0).locator('.corner.top-left')).toContainText('Chest 1.0 Lung');

  // Next stage in the reading window: the second display shows its two viewports.
  await viewport(page, 0).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('s');
  await expect(stage).toHaveAttribute('data-stage-id', 'two-windows');
  await expect(window2).toHaveAttribute('data-stage-id', 'two-windows');
  await expect(images.getByTestId('viewport')).toHaveCount(2);
  await expect(viewport(images, 0).locator('.corner.top-left')).toContainText(
    'Chest 5.0 Mediastinum',
  );
  await expect(viewport(images, 1).locator('.corner.top-left')).toContainText('Chest 2.0 Lung');
  await expect(viewport(images, 0)).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });

  // A stage for one display leaves the second empty.
  await page.keyboard.press('s');
  await expect(stage).toHaveAttribute('data-stage-id', 'one-display');
  await expect(images.getByTestId('images-window-empty')).toBeVisible();
  await expect(images.getByTestId('viewport')).toHaveCount(0);
});
