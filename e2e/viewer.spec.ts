import { test, expect, signIn } from './fixtures.ts';
import { canvasStats, thumbDifference } from './pixels.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

test.describe('reading a CT', () => {
  test('opens the CT chest case: the image is not blank, and scrolling and window/level change it', async ({
    page,
  }) => {
    const ct = ctChestCase(demoManifest());
    await signIn(page, 'radiologist1');
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`);
    await row.dblclick();
    await expect(page.getByTestId('case-view')).toBeVisible();

    const viewport = page.getByTestId('viewport').first();
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await expect(viewport).toHaveAttribute('data-image-index', '0');
    const first = await canvasStats(viewport);
    expect(first.width).toBeGreaterThan(100);
    // A chest CT in a lung or mediastinal window: plenty of non-black pixels with real structure.
    expect(first.nonBlack).toBeGreaterThan(0.1);
    expect(first.stdDev).toBeGreaterThan(10);

    // Scroll with the mouse wheel over the image, as a radiologist does.
    const box = (await viewport.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 120);
    await expect(viewport).not.toHaveAttribute('data-image-index', '0');
    await expect(viewport).toHaveAttribute('data-rendered', 'true');
    const index = Number(await viewport.getAttribute('data-image-index'));
    expect(index).toBeGreaterThan(5);
    await expect(viewport.getByTestId('image-number')).toContainText(`${index + 1}/`);
    const scrolled = await canvasStats(viewport);
    expect(scrolled.nonBlack).toBeGreaterThan(0.1);
    expect(thumbDifference(first, scrolled)).toBeGreaterThan(0.5);

    // Keyboard scrolling too.
    await page.keyboard.press('ArrowDown');
    await expect(viewport).toHaveAttribute('data-image-index', String(index + 1));

    // Window/level by dragging: the pixels change, the overlay follows.
    const wlBefore = await viewport.getByTestId('window-level').textContent();
    const before = await canvasStats(viewport);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 8 });
    await page.mouse.up();
    await expect(viewport.getByTestId('window-level')).not.toHaveText(wlBefore ?? '');
    const after = await canvasStats(viewport);
    expect(thumbDifference(before, after)).toBeGreaterThan(0.5);
  });
});
