import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { canvasStats, type CanvasStats } from './pixels.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

const MG_CASE = 'case-mg-screening-second-opinion';

async function openCase(page: Page, caseId: string): Promise<void> {
  await page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`).dblclick();
  await expect(page.getByTestId('case-view')).toBeVisible();
}

function viewport(page: Page, index: number): Locator {
  return page.locator(`[data-testid="viewport"][data-viewport-index="${index}"]`);
}

/** The slice position the overlay shows ("Loc -45.0 mm"), in mm. */
async function slicePosition(vp: Locator): Promise<number> {
  const text = (await vp.locator('.corner.bottom-left').textContent()) ?? '';
  const match = /Loc (-?\d+(?:\.\d+)?) mm/.exec(text);
  if (!match) throw new Error(`no slice position in the overlay: "${text}"`);
  return Number(match[1]);
}

/** Mean brightness of the left and right halves of what a viewport shows. */
function halves(stats: CanvasStats): { left: number; right: number } {
  let left = 0;
  let right = 0;
  stats.thumb.forEach((v, i) => {
    if (i % 32 < 16) left += v;
    else right += v;
  });
  return { left: left / 512, right: right / 512 };
}

test.describe('hanging protocols', () => {
  test('the CT chest case hangs current and prior side by side, and the prior follows the scroll', async ({
    page,
  }) => {
    const manifest = demoManifest();
    const ct = ctChestCase(manifest);
    expect(ct.caseId).toBe('case-ct-chest-nodule-followup');
    await signIn(page, 'radiologist1');
    await openCase(page, ct.caseId);

    const stage = page.getByTestId('hp-stage');
    await expect(stage).toHaveAttribute('data-protocol-id', 'ct-chest', { timeout: 20_000 });
    await expect(stage).toContainText('CT chest with prior');
    await expect(stage).toContainText('Current vs prior');
    await expect(page.getByTestId('viewport')).toHaveCount(2);
    const [current, prior] = [viewport(page, 0), viewport(page, 1)];
    await expect(current).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await expect(prior).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    expect((await canvasStats(prior)).nonBlack).toBeGreaterThan(0.1);
    await expect(prior.getByTestId('viewport-label')).toHaveText(
      'prior: 2025-09-18, 14 months earlier',
    );
    await expect(current.getByTestId('viewport-label')).toHaveCount(0);
    // The prior's signed report, readable beside the images.
    await expect(page.getByTestId('prior-report').first()).toContainText('2025-09-18');

    // Scroll the current (1 mm slices): the prior (2 mm slices) moves to the nearest position.
    const box = (await current.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 30; i++) await page.mouse.wheel(0, 120);
    await expect(current).not.toHaveAttribute('data-image-index', '0');
    // The viewer links a viewport once the headers of all its images are on the workstation (the
    // case is still arriving): scroll on until the prior follows.
    await expect(async () => {
      await page.mouse.wheel(0, 120);
      await expect(prior).not.toHaveAttribute('data-image-index', '0', { timeout: 1_000 });
    }).toPass({ timeout: 40_000 });
    await expect(current).toHaveAttribute('data-rendered', 'true');
    await expect(async () => {
      const [a, b] = [await slicePosition(current), await slicePosition(prior)];
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1.01);
    }).toPass({ timeout: 10_000 });
    const currentIndex = Number(await current.getAttribute('data-image-index'));
    const priorIndex = Number(await prior.getAttribute('data-image-index'));
    // Half as many slices, half the index (give or take the nearest one).
    expect(Math.abs(priorIndex - currentIndex / 2)).toBeLessThanOrEqual(1);

    // Next stage by key: the current's lung and mediastinal series; back again with Shift+S.
    await page.keyboard.press('s');
    await expect(stage).toHaveAttribute('data-stage-id', 'current');
    await expect(viewport(page, 1).locator('.corner.top-left')).toContainText('Mediastinum');
    await page.keyboard.press('Shift+S');
    await expect(stage).toHaveAttribute('data-stage-id', 'current-vs-prior');
    await expect(viewport(page, 1).getByTestId('viewport-label')).toContainText(
      'prior: 2025-09-18',
    );
  });

  test('the mammography case hangs RCC | LCC above RMLO | LMLO, back to back', async ({ page }) => {
    await signIn(page, 'radiologist1');
    await openCase(page, MG_CASE);
    const stage = page.getByTestId('hp-stage');
    await expect(stage).toHaveAttribute('data-protocol-id', 'mg-screening', { timeout: 20_000 });
    await expect(stage).toContainText('Mammography 4-view with prior');
    await expect(page.getByTestId('viewport')).toHaveCount(4);
    const views = ['R CC', 'L CC', 'R MLO', 'L MLO'];
    for (const [i, view] of views.entries()) {
      const vp = viewport(page, i);
      await expect(vp.locator('.corner.top-left')).toContainText(view);
      await expect(vp).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    }
    // Mirror images: each right breast's tissue lies towards the middle of the screen (its right
    // half), each left breast's towards the middle too (its left half).
    for (const [i, view] of views.entries()) {
      const { left, right } = halves(await canvasStats(viewport(page, i)));
      if (view.startsWith('R')) expect(right, view).toBeGreaterThan(left * 1.2);
      else expect(left, view).toBeGreaterThan(right * 1.2);
    }
  });

  test('a saved hanging survives a reload and hangs the case next time; a bad import is refused', async ({
    page,
  }) => {
    await signIn(page, 'radiologist1');
    await openCase(page, 'case-ct-chest-nodule-followup');
    const stage = page.getByTestId('hp-stage');
    await expect(stage).toHaveAttribute('data-protocol-id', 'ct-chest', { timeout: 20_000 });
    // Next stage (lung | mediastinum), then one viewport only: the reader's own hanging.
    await page.keyboard.press('s');
    await expect(stage).toHaveAttribute('data-stage-id', 'current');
    await page.keyboard.press('Alt+1');
    await expect(page.getByTestId('viewport')).toHaveCount(1);
    await page.getByTestId('hp-save').click();
    await page.getByTestId('hp-save-name').fill('Lung only');
    await page.getByTestId('hp-save-confirm').click();
    await expect(stage).toContainText('Lung only');

    // Export it as JSON.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = await (await download).path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { name: string; source: string };
    expect(exported).toMatchObject({ name: 'Lung only', source: 'user' });

    await page.reload();
    await expect(page.getByTestId('case-view')).toBeVisible();
    await expect(stage).toContainText('Lung only', { timeout: 20_000 });
    await expect(page.getByTestId('viewport')).toHaveCount(1);
    await expect(viewport(page, 0)).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await expect(viewport(page, 0).locator('.corner.top-left')).toContainText('Chest 1.0 Lung');

    // An invalid protocol file is refused, naming where and why.
    await page.getByTestId('hp-import-input').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({
          id: 'broken',
          name: 'Broken',
          stages: [{ id: 'a', name: 'A', grid: { rows: 1, columns: 2, viewports: [null] } }],
        }),
      ),
    });
    await expect(page.getByTestId('hp-notice')).toHaveText(
      'Hanging protocol rejected: stages[0].grid.viewports: a grid needs rows × columns viewports (null for an empty slot)',
    );
  });
});
